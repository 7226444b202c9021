complete --keep-order --exclusive --command appctl --arguments "(APPCTL_COMPLETE=fish appctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
