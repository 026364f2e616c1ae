"""SMTP sink for the e2e tests (tests/e2e/standins/mail-sink).

It exists so that a test can check what the postfix relay delivered without any real mail server:
every message is accepted and written, exactly as received (headers and body), to
MAIL_SINK_DIR/<UTC timestamp>-<n>.eml (default /var/mail-sink). The file appears only once complete
(written beside it under a dot name, then renamed), so `cat /var/mail-sink/*.eml` never sees half a
message. One line per message goes to stdout. With SINK_AUTH_USERNAME and SINK_AUTH_PASSWORD set, the
sink advertises AUTH PLAIN/LOGIN without TLS and refuses mail from clients that did not log in.
"""

import asyncio
import datetime
import itertools
import logging
import os
import signal
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

DIRECTORY = os.environ.get("MAIL_SINK_DIR", "/var/mail-sink")
PORT = int(os.environ.get("MAIL_SINK_PORT", "25"))
HOSTNAME = os.environ.get("MAIL_SINK_HOSTNAME", "mail-sink")
AUTH_USERNAME = os.environ.get("SINK_AUTH_USERNAME", "")
AUTH_PASSWORD = os.environ.get("SINK_AUTH_PASSWORD", "")

# AUTH without TLS is the point here: keep aiosmtpd's per-connection warnings about it out of the log.
logging.getLogger("mail.log").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=UserWarning, module="aiosmtpd")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="aiosmtpd")


class Sink:
    def __init__(self) -> None:
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{next(self.counter)}.eml"
        temporary = os.path.join(DIRECTORY, f".{name}.part")
        with open(temporary, "wb") as out:
            out.write(envelope.original_content)
        os.rename(temporary, os.path.join(DIRECTORY, name))
        print(
            f"mail-sink: stored {name}: from=<{envelope.mail_from}> to={envelope.rcpt_tos}"
            f" size={len(envelope.original_content)} client={session.peer[0]}"
            + (" auth=yes" if session.authenticated else ""),
            flush=True,
        )
        return f"250 OK stored as {name}"


def authenticator(_server, _session, _envelope, _mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == AUTH_USERNAME
        and auth_data.password.decode() == AUTH_PASSWORD
    )
    print(f"mail-sink: AUTH {'accepted' if ok else 'refused'}", flush=True)
    # handled=False: aiosmtpd answers 535 itself (with the default handled=True it answers nothing).
    return AuthResult(success=ok, handled=False)


async def main() -> None:
    os.makedirs(DIRECTORY, exist_ok=True)
    handler = Sink()
    auth = bool(AUTH_USERNAME and AUTH_PASSWORD)

    def factory() -> SMTP:
        return SMTP(
            handler,
            hostname=HOSTNAME,
            ident="mail-sink (aiosmtpd)",
            decode_data=False,
            enable_SMTPUTF8=True,
            data_size_limit=64 * 1024 * 1024,
            authenticator=authenticator if auth else None,
            auth_required=auth,
            auth_require_tls=False,
        )

    server = await asyncio.get_running_loop().create_server(factory, host="0.0.0.0", port=PORT)
    print(f"mail-sink: listening on 0.0.0.0:{PORT}, storing into {DIRECTORY}, auth={'on' if auth else 'off'}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
