"""aiosmtpd handler for scripts/chaos: a maildir that answers DATA after a delay.

    PYTHONPATH=scripts /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT \
        -c chaos_smtp.SlowMailbox MAILDIR SECONDS

The message is stored after the delay whether or not the client is still
waiting, as a real server that received the whole message may do: a sender
that gave up can still have its email delivered."""

import asyncio

from aiosmtpd.handlers import Mailbox


class SlowMailbox(Mailbox):
    def __init__(self, mail_dir, delay):
        super().__init__(mail_dir)
        self.delay = float(delay)

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("usage: -c chaos_smtp.SlowMailbox MAILDIR SECONDS")
        return cls(args[0], args[1])
