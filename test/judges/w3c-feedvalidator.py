"""Runs the W3C Feed Validation Service's own code (vendored in test/vendor/w3c-feedvalidator, MIT
licence: its LICENSE) on
one feed read from stdin, as validator.w3.org/feed does for a URL: the served Content-Type is checked
against the feed's type, and only the events of the online validator's level ("AA") are kept.

  python3 w3c-feedvalidator.py <url the feed was served at> <its Content-Type> < feed.xml

Prints a JSON list of events: level (error / warning), type (the validator's name for it), message,
line and column. Uses Debian's python3-html5lib and python3-rdflib (installed by .ci/setup.mjs)."""
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'vendor', 'w3c-feedvalidator'))
sys.dont_write_bytecode = True

import feedvalidator  # noqa: E402
from feedvalidator import compatibility, logging  # noqa: E402
from feedvalidator.formatter.text_plain import Formatter  # noqa: E402

url, content_type = sys.argv[1], sys.argv[2]
try:
    events = feedvalidator.validateStream(
        io.BytesIO(sys.stdin.buffer.read()), firstOccurrenceOnly=1, contentType=content_type, base=url
    )["loggedEvents"]
except logging.ValidationFailure as failure:
    events = [failure.event]
events = compatibility.AA(events)
formatter = Formatter(events)
out = []
for event, text in zip(events, formatter):
    level = "error" if isinstance(event, logging.Error) else "warning" if isinstance(event, logging.Warning) else "info"
    out.append({
        "level": level,
        "type": type(event).__name__,
        "message": text,
        "line": event.params.get("line"),
        "column": event.params.get("column"),
    })
print(json.dumps(out))
