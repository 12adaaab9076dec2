"""The pull-request flow: push a branch to its remote and open a pull request with `gh`, saying
what went wrong when either cannot happen (a missing remote, a refused push, no `gh`)."""
