"""Staff accounts for the web console: coordinators and moderators, their passwords
(argon2), optional second step (TOTP), one-time set-up links, sessions and the sign-in
limits. A feature like the others: its own tables (`models.py`) and SQL, no web framework
(the console in `bot/console/` is the adapter that speaks HTTP)."""
