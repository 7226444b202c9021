# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_appctl_global_optspecs
    string join \n store= json passphrase-file= y/yes h/help V/version
end

function __fish_appctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_appctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_appctl_using_subcommand
    set -l cmd (__fish_appctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c appctl -n "__fish_appctl_needs_command" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_needs_command" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_needs_command" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_needs_command" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_needs_command" -s V -l version -d 'Print version'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "init" -d 'Create a new store (never overwrites one)'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "dashboard" -d 'Show projects with their apps, then standalone apps'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "project" -d 'Manage projects'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "app" -d 'Manage apps and their settings'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "keys" -d 'List, create, regenerate and revoke an app\'s credentials'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "log" -d 'Show the event log, newest first'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "unlock" -d 'Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "lock" -d 'End unlock sessions (the current one, or all of this store\'s)'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "passwd" -d 'Change the passphrase (and optionally the KDF parameters)'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "recover" -d 'Set a new passphrase with the recovery key'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "recovery-key" -d 'Manage the recovery key'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "check" -d 'Verify the whole store: authentication, integrity, invariants, modes'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "backup" -d 'Copy the store (still encrypted) to PATH, taken under the lock'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "status" -d 'Show the store\'s path, owner, contents and this shell\'s session; never asks for the passphrase'
complete -c appctl -n "__fish_appctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand init" -l owner -d 'The owner\'s handle (letters, digits, underscores) [default: $USER]' -r
complete -c appctl -n "__fish_appctl_using_subcommand init" -l kdf-memory-mib -d 'Argon2id memory in MiB (at least 19)' -r
complete -c appctl -n "__fish_appctl_using_subcommand init" -l kdf-iterations -d 'Argon2id iterations (at least 2)' -r
complete -c appctl -n "__fish_appctl_using_subcommand init" -l kdf-parallelism -d 'Argon2id lanes' -r
complete -c appctl -n "__fish_appctl_using_subcommand init" -l kdf-target-ms -d 'Choose memory (then iterations) so that unlocking takes about N ms on this machine' -r
complete -c appctl -n "__fish_appctl_using_subcommand init" -l env-prefix -d 'With --env, start every variable\'s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env' -r
complete -c appctl -n "__fish_appctl_using_subcommand init" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand init" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand init" -l env -d 'Print the new secrets as KEY=value lines, for `source` or a .env file'
complete -c appctl -n "__fish_appctl_using_subcommand init" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand init" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand init" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand dashboard" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand dashboard" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand dashboard" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand dashboard" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand dashboard" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -f -a "create" -d 'Create a project and print its ID'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -f -a "list" -d 'List projects'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -f -a "show" -d 'Show a project and its apps'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -f -a "update" -d 'Change a project\'s name or details (an empty value clears a field)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -f -a "delete" -d 'Delete a project'
complete -c appctl -n "__fish_appctl_using_subcommand project; and not __fish_seen_subcommand_from create list show update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -l description -d 'Description, at most 200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -l use-case -d 'Use case, at most 200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -l environment -d 'Environment [default on create: development]' -r -f -a "development\t'Development (the default)'
staging\t'Staging'
production\t'Production'"
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from list" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from list" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from show" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from show" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l name -d 'New name' -r
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l description -d 'Description, at most 200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l use-case -d 'Use case, at most 200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l environment -d 'Environment [default on create: development]' -r -f -a "development\t'Development (the default)'
staging\t'Staging'
production\t'Production'"
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -l with-apps -d 'Also delete its apps and their credentials'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -l detach-apps -d 'Keep its apps as standalone apps'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a project and print its ID'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "list" -d 'List projects'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a project and its apps'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a project\'s name or details (an empty value clears a field)'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a project'
complete -c appctl -n "__fish_appctl_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "create" -d 'Create an app; prints its ID and, once, its API key, API secret and bearer token'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "list" -d 'List apps'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "show" -d 'Show an app\'s details and credential metadata (never secrets)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "update" -d 'Change an app\'s name or details (an empty value clears a field)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "move" -d 'Move an app into a project, or make it standalone'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "delete" -d 'Delete an app and all its credentials'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "suspend" -d 'Suspend an app: its credentials cannot be created or regenerated'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "reinstate" -d 'Lift an app\'s suspension'
complete -c appctl -n "__fish_appctl_using_subcommand app; and not __fish_seen_subcommand_from create list show update move delete suspend reinstate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l project -d 'The project to create it in (ID or name) [default: standalone]' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l description -d 'Description, 10–200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l icon -d 'Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l website-url -d 'Website URL (http or https)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l callback-url -d 'Add a callback URL (repeatable; at most 10 in all)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l terms-url -d 'Terms of service URL' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l privacy-url -d 'Privacy policy URL' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l organization-name -d 'Organization name' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l organization-url -d 'Organization URL' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l use-case -d 'Use case, at most 200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l three-legged-oauth -d '3-legged OAuth ("sign in with"): needs a callback URL' -r -f -a "on\t'Turn on'
off\t'Turn off'"
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l request-email -d 'Request the user\'s email: needs terms and privacy URLs' -r -f -a "on\t'Turn on'
off\t'Turn off'"
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l permissions -d 'Permission level of access tokens' -r -f -a "read\t'Read only (the default)'
read-write\t'Read and write'
read-write-dm\t'Read, write and direct messages'"
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l env-prefix -d 'With --env, start every variable\'s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l env -d 'Print the new secrets as KEY=value lines, for `source` or a .env file'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -l project -d 'Only the apps of this project (ID or name)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -l standalone -d 'Only apps without a project'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from show" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from show" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l name -d 'New name' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l remove-callback-url -d 'Remove this callback URL (repeatable)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l description -d 'Description, 10–200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l icon -d 'Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l website-url -d 'Website URL (http or https)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l callback-url -d 'Add a callback URL (repeatable; at most 10 in all)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l terms-url -d 'Terms of service URL' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l privacy-url -d 'Privacy policy URL' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l organization-name -d 'Organization name' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l organization-url -d 'Organization URL' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l use-case -d 'Use case, at most 200 characters' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l three-legged-oauth -d '3-legged OAuth ("sign in with"): needs a callback URL' -r -f -a "on\t'Turn on'
off\t'Turn off'"
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l request-email -d 'Request the user\'s email: needs terms and privacy URLs' -r -f -a "on\t'Turn on'
off\t'Turn off'"
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l permissions -d 'Permission level of access tokens' -r -f -a "read\t'Read only (the default)'
read-write\t'Read and write'
read-write-dm\t'Read, write and direct messages'"
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l clear-callback-urls -d 'Remove every callback URL (before adding any --callback-url)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -l project -d 'The project to move it to (ID or name)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -l standalone -d 'Make it standalone'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from move" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from delete" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from delete" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from delete" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from suspend" -l reason -d 'Why (shown in listings)' -r
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from suspend" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from suspend" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from suspend" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from suspend" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from suspend" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from reinstate" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from reinstate" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from reinstate" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from reinstate" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from reinstate" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an app; prints its ID and, once, its API key, API secret and bearer token'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "list" -d 'List apps'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show an app\'s details and credential metadata (never secrets)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change an app\'s name or details (an empty value clears a field)'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "move" -d 'Move an app into a project, or make it standalone'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an app and all its credentials'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "suspend" -d 'Suspend an app: its credentials cannot be created or regenerated'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "reinstate" -d 'Lift an app\'s suspension'
complete -c appctl -n "__fish_appctl_using_subcommand app; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -f -a "list" -d 'Metadata of every credential of an app (never the values)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -f -a "create" -d 'Make a credential where none is active; prints it once'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -f -a "regenerate" -d 'Replace a credential; prints the new one once and says what else became invalid'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -f -a "revoke" -d 'Revoke a credential (asks for confirmation, or --yes)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and not __fish_seen_subcommand_from list create regenerate revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -l env-prefix -d 'With --env, start every variable\'s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env' -r
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -l env -d 'Print the new secrets as KEY=value lines, for `source` or a .env file'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -l env-prefix -d 'With --env, start every variable\'s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env' -r
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -l env -d 'Print the new secrets as KEY=value lines, for `source` or a .env file'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from regenerate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "list" -d 'Metadata of every credential of an app (never the values)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a credential where none is active; prints it once'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "regenerate" -d 'Replace a credential; prints the new one once and says what else became invalid'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a credential (asks for confirmation, or --yes)'
complete -c appctl -n "__fish_appctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand log" -l app -d 'Only events of this app (ID or name; an ID also finds deleted apps)' -r
complete -c appctl -n "__fish_appctl_using_subcommand log" -l limit -d 'Show at most N events' -r
complete -c appctl -n "__fish_appctl_using_subcommand log" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand log" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand log" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand log" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand log" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand unlock" -l ttl -d 'How long the session lasts, such as 90s, 15m or 2h (at most 24h)' -r
complete -c appctl -n "__fish_appctl_using_subcommand unlock" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand unlock" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand unlock" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand unlock" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand lock" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand lock" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand lock" -l all -d 'End every session of this store, not only $APPCTL_SESSION\'s'
complete -c appctl -n "__fish_appctl_using_subcommand lock" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand lock" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand lock" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l new-passphrase-file -d 'Read the new passphrase from the first line of FILE [default: ask twice at a terminal]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l kdf-memory-mib -d 'Argon2id memory in MiB (at least 19) [default: unchanged]' -r
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l kdf-iterations -d 'Argon2id iterations (at least 2) [default: unchanged]' -r
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l kdf-parallelism -d 'Argon2id lanes [default: unchanged]' -r
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand passwd" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l recovery-key-file -d 'The file holding the recovery key that `init` printed' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l new-passphrase-file -d 'Read the new passphrase from the first line of FILE [default: ask twice at a terminal]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l kdf-memory-mib -d 'Argon2id memory in MiB (at least 19) [default: unchanged]' -r
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l kdf-iterations -d 'Argon2id iterations (at least 2) [default: unchanged]' -r
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l kdf-parallelism -d 'Argon2id lanes [default: unchanged]' -r
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recover" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand recover" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand recover" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -f -a "regenerate" -d 'Replace the recovery key; prints the new one once'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and not __fish_seen_subcommand_from regenerate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -l env-prefix -d 'With --env, start every variable\'s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env' -r
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -l env -d 'Print the new secrets as KEY=value lines, for `source` or a .env file'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from regenerate" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from help" -f -a "regenerate" -d 'Replace the recovery key; prints the new one once'
complete -c appctl -n "__fish_appctl_using_subcommand recovery-key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand check" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand check" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand check" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand check" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand check" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand backup" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand backup" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand backup" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand backup" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand backup" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand status" -l store -d 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand status" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c appctl -n "__fish_appctl_using_subcommand status" -l json -d 'Print one JSON document on stdout (errors as JSON on stderr)'
complete -c appctl -n "__fish_appctl_using_subcommand status" -s y -l yes -d 'Confirm destructive actions without asking'
complete -c appctl -n "__fish_appctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "init" -d 'Create a new store (never overwrites one)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "dashboard" -d 'Show projects with their apps, then standalone apps'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "project" -d 'Manage projects'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "app" -d 'Manage apps and their settings'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "keys" -d 'List, create, regenerate and revoke an app\'s credentials'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "log" -d 'Show the event log, newest first'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "unlock" -d 'Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "lock" -d 'End unlock sessions (the current one, or all of this store\'s)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "passwd" -d 'Change the passphrase (and optionally the KDF parameters)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "recover" -d 'Set a new passphrase with the recovery key'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "recovery-key" -d 'Manage the recovery key'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "check" -d 'Verify the whole store: authentication, integrity, invariants, modes'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "backup" -d 'Copy the store (still encrypted) to PATH, taken under the lock'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "status" -d 'Show the store\'s path, owner, contents and this shell\'s session; never asks for the passphrase'
complete -c appctl -n "__fish_appctl_using_subcommand help; and not __fish_seen_subcommand_from init dashboard project app keys log unlock lock passwd recover recovery-key check backup status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "create" -d 'Create a project and print its ID'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "list" -d 'List projects'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "show" -d 'Show a project and its apps'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "update" -d 'Change a project\'s name or details (an empty value clears a field)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "delete" -d 'Delete a project'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "create" -d 'Create an app; prints its ID and, once, its API key, API secret and bearer token'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "list" -d 'List apps'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "show" -d 'Show an app\'s details and credential metadata (never secrets)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "update" -d 'Change an app\'s name or details (an empty value clears a field)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "move" -d 'Move an app into a project, or make it standalone'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "delete" -d 'Delete an app and all its credentials'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "suspend" -d 'Suspend an app: its credentials cannot be created or regenerated'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from app" -f -a "reinstate" -d 'Lift an app\'s suspension'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "list" -d 'Metadata of every credential of an app (never the values)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "create" -d 'Make a credential where none is active; prints it once'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "regenerate" -d 'Replace a credential; prints the new one once and says what else became invalid'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "revoke" -d 'Revoke a credential (asks for confirmation, or --yes)'
complete -c appctl -n "__fish_appctl_using_subcommand help; and __fish_seen_subcommand_from recovery-key" -f -a "regenerate" -d 'Replace the recovery key; prints the new one once'
