"""Use-cases. Each function takes a Connection inside the caller's transaction, so one
request is one transaction, whether it came from the API, a webhook or a page."""
