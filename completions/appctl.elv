
set edit:completion:arg-completer[appctl] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) APPCTL_COMPLETE="elvish" appctl -- $@words) | to-lines
}

