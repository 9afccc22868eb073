"""The secret scan behind `launchready scan`.

- `findings`: what a finding is (never the secret itself: a SHA-1 of it, as detect-secrets stores it).
- `gitrepo`: the files of the working tree and every blob that a commit reachable from any ref added.
- `encoded`: base64-encoded text (an `.env`, a PEM key) decoded and scanned with the same detectors.
- `publicids`: the public ids of stack files (zone, account, ARNs), which are not secrets.
- `detector`: detect-secrets (all its plugins and filters) over files on disk and over history blobs.
- `stackfiles`: plaintext credentials in Pulumi stack files, with the `pulumi config set --secret` fix.
- `baseline`: the reviewed-findings list, in detect-secrets' own baseline format.
- `engine`: puts them together into one `ScanResult`.
"""
