#!/usr/bin/env bash
# Start script of the postfix stand-in (tests/e2e/standins/postfix). It exists because the image is
# built from Debian's postfix rather than pulled, and must configure it from the environment the way
# boky/postfix v4.4.0's scripts/common-run.sh does, for the variables this project sets:
# ALLOWED_SENDER_DOMAINS (or ALLOW_EMPTY_SENDER_DOMAINS), RELAYHOST, RELAYHOST_USERNAME,
# RELAYHOST_PASSWORD(_FILE), MYNETWORKS and POSTFIX_<main.cf key>. Then postfix runs in the
# foreground, logging to stdout.
set -Eeuo pipefail

log() { printf 'postfix-standin: %s\n' "$*"; }
# main.cf edits are collected and applied at once at the end (each postconf call rewrites main.cf);
# a later edit of a key replaces an earlier one, as consecutive postconf calls would.
settings=()
removed=()
drop_key() {
  local kept=() setting
  for setting in "${settings[@]}"; do
    [[ "${setting%%=*}" == "$1" ]] || kept+=("${setting}")
  done
  settings=("${kept[@]}")
}
pc() {
  local setting
  for setting in "$@"; do
    drop_key "${setting%%=*}"
    settings+=("${setting}")
  done
}
# Removes a key from main.cf (boky comments it out: the effect is the same, its default).
unset_key() {
  drop_key "$1"
  removed+=("$1")
}

if [[ -z "${ALLOWED_SENDER_DOMAINS:-}" && -z "${ALLOW_EMPTY_SENDER_DOMAINS:-}" ]]; then
  log "ERROR: You need to specify ALLOWED_SENDER_DOMAINS or ALLOW_EMPTY_SENDER_DOMAINS, otherwise Postfix will not run!" >&2
  exit 1
fi

# A relay only: no local delivery, no relay domains, big headers, helo required, and only clients of
# mynetworks (boky's postfix_disable_*/postfix_reject_invalid_helos).
pc mydestination= relay_domains= header_size_limit=4096000 \
  smtpd_delay_reject=yes smtpd_helo_required=yes \
  "smtpd_client_restrictions=permit_mynetworks,reject" \
  "smtpd_helo_restrictions=permit_mynetworks,reject_invalid_helo_hostname,permit" \
  "smtpd_sender_restrictions=permit_mynetworks,reject"

# Defaults boky applies through its POSTFIX_ variables.
: "${POSTFIX_message_size_limit:=${MESSAGE_SIZE_LIMIT:-0}}"
: "${POSTFIX_myhostname:=${HOSTNAME:-$(hostname)}}"
: "${POSTFIX_smtp_tls_security_level:=${RELAYHOST_TLS_LEVEL:-may}}"
if [[ -n "${MYNETWORKS:-}" ]]; then
  POSTFIX_mynetworks="${MYNETWORKS}"
fi
: "${POSTFIX_mynetworks:=127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16}"
export POSTFIX_message_size_limit POSTFIX_myhostname POSTFIX_smtp_tls_security_level POSTFIX_mynetworks

# The relay host, with SASL credentials when both are given.
if [[ -n "${RELAYHOST_PASSWORD_FILE:-}" && -z "${RELAYHOST_PASSWORD:-}" ]]; then
  RELAYHOST_PASSWORD="$(<"${RELAYHOST_PASSWORD_FILE}")"
fi
rm -f /etc/postfix/sasl_passwd /etc/postfix/sasl_passwd.db
if [[ -n "${RELAYHOST:-}" ]]; then
  log "Forwarding all emails to ${RELAYHOST}"
  pc "relayhost=${RELAYHOST}" "smtp_tls_CAfile=/etc/ssl/certs/ca-certificates.crt"
  if [[ -n "${RELAYHOST_USERNAME:-}" && -n "${RELAYHOST_PASSWORD:-}" ]]; then
    log "... using username ${RELAYHOST_USERNAME} and password (redacted)"
    (
      umask 077
      printf '%s %s:%s\n' "${SASL_RELAYHOST:-${RELAYHOST}}" "${RELAYHOST_USERNAME}" "${RELAYHOST_PASSWORD}" >/etc/postfix/sasl_passwd
    )
    postmap hash:/etc/postfix/sasl_passwd
    chmod 0600 /etc/postfix/sasl_passwd.db
    pc smtp_sasl_auth_enable=yes smtp_sasl_password_maps=hash:/etc/postfix/sasl_passwd \
      smtp_sasl_security_options=noanonymous smtp_sasl_tls_security_options=noanonymous
  else
    log "... without any authentication"
    unset_key smtp_sasl_auth_enable
    unset_key smtp_sasl_password_maps
  fi
else
  log "Postfix is configured to deliver messages directly (without relaying)"
  for key in relayhost smtp_sasl_auth_enable smtp_sasl_password_maps smtp_sasl_security_options; do
    unset_key "${key}"
  done
fi

# Mail is accepted only for recipients with a resolvable domain and from the allowed sender
# domains (whitespace separated, as boky reads them); mynetworks alone is not enough.
if [[ -n "${ALLOWED_SENDER_DOMAINS:-}" ]]; then
  log "Setting up allowed SENDER domains: ${ALLOWED_SENDER_DOMAINS}"
  : >/etc/postfix/allowed_senders
  for domain in ${ALLOWED_SENDER_DOMAINS}; do
    printf '%s\tOK\n' "${domain}" >>/etc/postfix/allowed_senders
  done
  postmap hash:/etc/postfix/allowed_senders
  pc "smtpd_recipient_restrictions=reject_non_fqdn_recipient, reject_unknown_recipient_domain, check_sender_access hash:/etc/postfix/allowed_senders, reject" \
    smtpd_relay_restrictions=permit
fi

# POSTFIX_<key>=<value> sets any main.cf key; an empty value removes it.
for setting in "${!POSTFIX_@}"; do
  key="${setting#POSTFIX_}"
  if [[ -n "${!setting}" ]]; then
    log "Applying custom postfix setting: ${key}=${!setting}"
    pc "${key}=${!setting}"
  else
    log "Deleting custom postfix setting: ${key}"
    unset_key "${key}"
  fi
done

if ((${#removed[@]} > 0)); then
  postconf -X "${removed[@]}"
fi
postconf -e "${settings[@]}"

unset RELAYHOST_PASSWORD
exec postfix -c /etc/postfix start-fg
