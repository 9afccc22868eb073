"""How traffic reaches the app: the request path of every declared hostname, the mail path and the alert
path, built from the stack config and the offline plan (never drawn by hand), rendered as Mermaid, and
compared between two versions of a stack file.

`model` holds the data types, `web`, `mail` and `alerts` build them, `mermaid` and `render` draw them,
`diff` compares two models, `base` plans the stack file of another git revision, `markdown` writes the
section the handover and `plan --markdown` print.
"""
