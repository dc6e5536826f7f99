"""The staff console: the web pages coordinators and moderators work from, at /staff in
the one app (`bot/web.py`, mounted by `bot/serve.py`). An adapter, like the channels: it
speaks HTTP and HTML (Starlette, Jinja2 templates in `templates/`, the NHS design system
from `web/`, served under /staff/assets) and reaches the features it shows (staff accounts,
safety alerts) through their own functions. Every word is in content/en/console.yaml."""
