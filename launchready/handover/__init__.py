"""The handover document: gathered from the stack config and the offline plan (`gather`), written as
Markdown (`sections`, `markdown`), with an environment matrix computed from every stack's config (`matrix`).

It is generated, never edited by hand, so it cannot drift from what the program declares.
"""
