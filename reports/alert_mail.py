"""The e-mail for immediate alerts (fentanyl-class listings): short, autoescaped HTML."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import jinja2

_TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string("""\
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>pharmwatch alert</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px">
<h1 style="font-size:20px;color:#b00000">{{ alerts | length }} fentanyl-class listing{{ "" if alerts | length == 1 else "s" }}</h1>
{% for a in alerts %}<div class="alert" data-key="{{ a.alert_key }}" style="margin:0 0 12px 0">
<p><b>{{ a.headline }}</b></p>
<p>Reasons: {% for k, v in a.reasons.items() %}{{ k }}: {{ v }}{% if not loop.last %}; {% endif %}{% endfor %}</p>
{% for e in a.evidence %}<p style="font-size:12px">Evidence: {{ e.title }} &mdash; {{ e.url }} &mdash; SHA-256 <span style="font-family:monospace">{{ e.page_sha256 }}</span> &mdash; crawled {{ e.crawled_at }}</p>{% endfor %}
</div>{% endfor %}
</body></html>""")


def build_alert_message(alerts: Sequence[dict[str, Any]], recipients: Sequence[str],
                        sender: str) -> EmailMessage:
    subject = f"pharmwatch ALERT: {len(alerts)} fentanyl-class listing" + ("" if len(alerts) == 1 else "s")
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, sender, ", ".join(recipients)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain="pharmwatch.local")
    lines = [a["headline"] + "".join(f"\n  {e.get('url')} sha256={e.get('page_sha256')}"
                                     for e in a["evidence"]) for a in alerts]
    msg.set_content(subject + "\n\n" + "\n".join(lines) + "\n")
    msg.add_alternative(_TEMPLATE.render(alerts=alerts), subtype="html")
    return msg
