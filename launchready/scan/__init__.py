"""The secret scan behind `launchready scan`.

- `findings`: what a finding is (never the secret itself: a SHA-1 of it, as detect-secrets stores it).
- `gitrepo`: the files of the working tree and every blob the history of HEAD added, through git.
- `detector`: detect-secrets (all its plugins and filters) over files on disk and over history blobs.
- `stackfiles`: plaintext credentials in Pulumi stack files, with the `pulumi config set --secret` fix.
- `baseline`: the reviewed-findings list, in detect-secrets' own baseline format.
- `engine`: puts them together into one `ScanResult`.
"""
