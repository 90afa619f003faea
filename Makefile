# For those used to make: the README's two commands are `bash .ci/app` and `bash .ci/run`
# (they need no make: a fresh Debian machine may not have it).
.PHONY: app test
app:
	bash .ci/app
test:
	bash .ci/run
