#!/bin/sh
# Run by /docker-entrypoint.sh (nginx stand-in). It exists because images/webui-nginx ships its
# server block as /etc/nginx/templates/default.conf.template: render every *.template under
# NGINX_ENVSUBST_TEMPLATE_DIR (/etc/nginx/templates) into NGINX_ENVSUBST_OUTPUT_DIR
# (/etc/nginx/conf.d) without the suffix, substituting only ${VAR} of variables set in the
# environment (names matching NGINX_ENVSUBST_FILTER, a regex), so nginx's own $variables survive.
set -e

ME=$(basename "$0")

entrypoint_log() {
    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
        echo "$@"
    fi
}

auto_envsubst() {
    template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
    suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
    output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
    filter="${NGINX_ENVSUBST_FILTER:-}"

    # "${A} ${B} ..." for every variable in the environment whose name matches the filter.
    # shellcheck disable=SC2016
    defined_envs=$(awk -v filter="$filter" 'END { for (name in ENVIRON) if (name ~ filter) printf "${%s} ", name }' </dev/null)
    [ -d "$template_dir" ] || return 0
    if [ ! -w "$output_dir" ]; then
        entrypoint_log "$ME: ERROR: $template_dir exists, but $output_dir is not writable"
        return 0
    fi
    find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
        relative_path="${template#"$template_dir/"}"
        output_path="$output_dir/${relative_path%"$suffix"}"
        mkdir -p "$output_dir/$(dirname "$relative_path")"
        entrypoint_log "$ME: Running envsubst on $template to $output_path"
        envsubst "$defined_envs" <"$template" >"$output_path"
    done
}

auto_envsubst

exit 0
