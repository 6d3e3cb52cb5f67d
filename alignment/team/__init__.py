"""The team server's own state: its configuration, who may do what (roles per district), accounts,
sessions and the audit log, kept in one SQLite database beside the workspace's plan files."""
