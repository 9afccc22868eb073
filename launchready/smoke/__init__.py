"""`launchready smoke`: deploy-day checks of the homepage, the login and the API health (`checks`), and
its command line (`cli`). Shares the resolver, HTTP client, result model and rendering of `launchready.probe`."""
