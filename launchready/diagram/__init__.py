"""How traffic reaches the app: the request path of every declared hostname, the mail path and the alert
path, built from the stack config and the offline plan (never drawn by hand), rendered as Mermaid, and
compared between two versions of a stack file.

`model` holds the data types; `web` (with `expressions`: which hosts a rule applies to), `mail` and
`alerts` build them, `build` puts them together; `mermaid` (escaped labels, stable ids) and `render`
draw them; `diff` compares two models and `changes` says the difference in words; `base` plans the
stack file of another git revision; `markdown` writes the section the handover and `plan --markdown`
print.
"""
