
use builtin;
use str;

set edit:completion:arg-completer[appctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'appctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'appctl'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a new store (never overwrites one)'
            cand dashboard 'Show projects with their apps, then standalone apps'
            cand project 'Manage projects'
            cand app 'Manage apps and their settings'
            cand keys 'List, create, regenerate and revoke an app''s credentials'
            cand log 'Show the event log, newest first'
            cand unlock 'Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval'
            cand lock 'End unlock sessions (the current one, or all of this store''s)'
            cand passwd 'Change the passphrase (and optionally the KDF parameters)'
            cand recover 'Set a new passphrase with the recovery key'
            cand recovery-key 'Manage the recovery key'
            cand check 'Verify the whole store: authentication, integrity, invariants, modes'
            cand backup 'Copy the store (still encrypted) to PATH, taken under the lock'
            cand status 'Show the store''s path, owner, contents and this shell''s session; never asks for the passphrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;init'= {
            cand --owner 'The owner''s handle (letters, digits, underscores) [default: $USER]'
            cand --kdf-memory-mib 'Argon2id memory in MiB (at least 19)'
            cand --kdf-iterations 'Argon2id iterations (at least 2)'
            cand --kdf-parallelism 'Argon2id lanes'
            cand --kdf-target-ms 'Choose memory (then iterations) so that unlocking takes about N ms on this machine'
            cand --env-prefix 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --env 'Print the new secrets as KEY=value lines, for `source` or a .env file'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;dashboard'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;project'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
            cand create 'Create a project and print its ID'
            cand list 'List projects'
            cand show 'Show a project and its apps'
            cand update 'Change a project''s name or details (an empty value clears a field)'
            cand delete 'Delete a project'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;project;create'= {
            cand --description 'Description, at most 200 characters'
            cand --use-case 'Use case, at most 200 characters'
            cand --environment 'Environment [default on create: development]'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;project;list'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;project;show'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;project;update'= {
            cand --name 'New name'
            cand --description 'Description, at most 200 characters'
            cand --use-case 'Use case, at most 200 characters'
            cand --environment 'Environment [default on create: development]'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;project;delete'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --with-apps 'Also delete its apps and their credentials'
            cand --detach-apps 'Keep its apps as standalone apps'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;project;help'= {
            cand create 'Create a project and print its ID'
            cand list 'List projects'
            cand show 'Show a project and its apps'
            cand update 'Change a project''s name or details (an empty value clears a field)'
            cand delete 'Delete a project'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;project;help;create'= {
        }
        &'appctl;project;help;list'= {
        }
        &'appctl;project;help;show'= {
        }
        &'appctl;project;help;update'= {
        }
        &'appctl;project;help;delete'= {
        }
        &'appctl;project;help;help'= {
        }
        &'appctl;app'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
            cand create 'Create an app; prints its ID and, once, its API key, API secret and bearer token'
            cand list 'List apps'
            cand show 'Show an app''s details and credential metadata (never secrets)'
            cand update 'Change an app''s name or details (an empty value clears a field)'
            cand move 'Move an app into a project, or make it standalone'
            cand delete 'Delete an app and all its credentials'
            cand suspend 'Suspend an app: its credentials cannot be created or regenerated'
            cand reinstate 'Lift an app''s suspension'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;app;create'= {
            cand --project 'The project to create it in (ID or name) [default: standalone]'
            cand --description 'Description, 10–200 characters'
            cand --icon 'Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)'
            cand --website-url 'Website URL (http or https)'
            cand --callback-url 'Add a callback URL (repeatable; at most 10 in all)'
            cand --terms-url 'Terms of service URL'
            cand --privacy-url 'Privacy policy URL'
            cand --organization-name 'Organization name'
            cand --organization-url 'Organization URL'
            cand --use-case 'Use case, at most 200 characters'
            cand --three-legged-oauth '3-legged OAuth ("sign in with"): needs a callback URL'
            cand --request-email 'Request the user''s email: needs terms and privacy URLs'
            cand --permissions 'Permission level of access tokens'
            cand --env-prefix 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --env 'Print the new secrets as KEY=value lines, for `source` or a .env file'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;app;list'= {
            cand --project 'Only the apps of this project (ID or name)'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --standalone 'Only apps without a project'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;app;show'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;app;update'= {
            cand --name 'New name'
            cand --remove-callback-url 'Remove this callback URL (repeatable)'
            cand --description 'Description, 10–200 characters'
            cand --icon 'Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)'
            cand --website-url 'Website URL (http or https)'
            cand --callback-url 'Add a callback URL (repeatable; at most 10 in all)'
            cand --terms-url 'Terms of service URL'
            cand --privacy-url 'Privacy policy URL'
            cand --organization-name 'Organization name'
            cand --organization-url 'Organization URL'
            cand --use-case 'Use case, at most 200 characters'
            cand --three-legged-oauth '3-legged OAuth ("sign in with"): needs a callback URL'
            cand --request-email 'Request the user''s email: needs terms and privacy URLs'
            cand --permissions 'Permission level of access tokens'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --clear-callback-urls 'Remove every callback URL (before adding any --callback-url)'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;app;move'= {
            cand --project 'The project to move it to (ID or name)'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --standalone 'Make it standalone'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;app;delete'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;app;suspend'= {
            cand --reason 'Why (shown in listings)'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;app;reinstate'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;app;help'= {
            cand create 'Create an app; prints its ID and, once, its API key, API secret and bearer token'
            cand list 'List apps'
            cand show 'Show an app''s details and credential metadata (never secrets)'
            cand update 'Change an app''s name or details (an empty value clears a field)'
            cand move 'Move an app into a project, or make it standalone'
            cand delete 'Delete an app and all its credentials'
            cand suspend 'Suspend an app: its credentials cannot be created or regenerated'
            cand reinstate 'Lift an app''s suspension'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;app;help;create'= {
        }
        &'appctl;app;help;list'= {
        }
        &'appctl;app;help;show'= {
        }
        &'appctl;app;help;update'= {
        }
        &'appctl;app;help;move'= {
        }
        &'appctl;app;help;delete'= {
        }
        &'appctl;app;help;suspend'= {
        }
        &'appctl;app;help;reinstate'= {
        }
        &'appctl;app;help;help'= {
        }
        &'appctl;keys'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Metadata of every credential of an app (never the values)'
            cand create 'Make a credential where none is active; prints it once'
            cand regenerate 'Replace a credential; prints the new one once and says what else became invalid'
            cand revoke 'Revoke a credential (asks for confirmation, or --yes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;keys;list'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;keys;create'= {
            cand --env-prefix 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --env 'Print the new secrets as KEY=value lines, for `source` or a .env file'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;keys;regenerate'= {
            cand --env-prefix 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --env 'Print the new secrets as KEY=value lines, for `source` or a .env file'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;keys;revoke'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'appctl;keys;help'= {
            cand list 'Metadata of every credential of an app (never the values)'
            cand create 'Make a credential where none is active; prints it once'
            cand regenerate 'Replace a credential; prints the new one once and says what else became invalid'
            cand revoke 'Revoke a credential (asks for confirmation, or --yes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;keys;help;list'= {
        }
        &'appctl;keys;help;create'= {
        }
        &'appctl;keys;help;regenerate'= {
        }
        &'appctl;keys;help;revoke'= {
        }
        &'appctl;keys;help;help'= {
        }
        &'appctl;log'= {
            cand --app 'Only events of this app (ID or name; an ID also finds deleted apps)'
            cand --limit 'Show at most N events'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;unlock'= {
            cand --ttl 'How long the session lasts, such as 90s, 15m or 2h (at most 24h)'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;lock'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --all 'End every session of this store, not only $APPCTL_SESSION''s'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;passwd'= {
            cand --new-passphrase-file 'Read the new passphrase from the first line of FILE [default: ask twice at a terminal]'
            cand --kdf-memory-mib 'Argon2id memory in MiB (at least 19) [default: unchanged]'
            cand --kdf-iterations 'Argon2id iterations (at least 2) [default: unchanged]'
            cand --kdf-parallelism 'Argon2id lanes [default: unchanged]'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;recover'= {
            cand --recovery-key-file 'The file holding the recovery key that `init` printed'
            cand --new-passphrase-file 'Read the new passphrase from the first line of FILE [default: ask twice at a terminal]'
            cand --kdf-memory-mib 'Argon2id memory in MiB (at least 19) [default: unchanged]'
            cand --kdf-iterations 'Argon2id iterations (at least 2) [default: unchanged]'
            cand --kdf-parallelism 'Argon2id lanes [default: unchanged]'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;recovery-key'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
            cand regenerate 'Replace the recovery key; prints the new one once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;recovery-key;regenerate'= {
            cand --env-prefix 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env'
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --env 'Print the new secrets as KEY=value lines, for `source` or a .env file'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;recovery-key;help'= {
            cand regenerate 'Replace the recovery key; prints the new one once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;recovery-key;help;regenerate'= {
        }
        &'appctl;recovery-key;help;help'= {
        }
        &'appctl;check'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;backup'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;status'= {
            cand --store 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --json 'Print one JSON document on stdout (errors as JSON on stderr)'
            cand -y 'Confirm destructive actions without asking'
            cand --yes 'Confirm destructive actions without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'appctl;help'= {
            cand init 'Create a new store (never overwrites one)'
            cand dashboard 'Show projects with their apps, then standalone apps'
            cand project 'Manage projects'
            cand app 'Manage apps and their settings'
            cand keys 'List, create, regenerate and revoke an app''s credentials'
            cand log 'Show the event log, newest first'
            cand unlock 'Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval'
            cand lock 'End unlock sessions (the current one, or all of this store''s)'
            cand passwd 'Change the passphrase (and optionally the KDF parameters)'
            cand recover 'Set a new passphrase with the recovery key'
            cand recovery-key 'Manage the recovery key'
            cand check 'Verify the whole store: authentication, integrity, invariants, modes'
            cand backup 'Copy the store (still encrypted) to PATH, taken under the lock'
            cand status 'Show the store''s path, owner, contents and this shell''s session; never asks for the passphrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'appctl;help;init'= {
        }
        &'appctl;help;dashboard'= {
        }
        &'appctl;help;project'= {
            cand create 'Create a project and print its ID'
            cand list 'List projects'
            cand show 'Show a project and its apps'
            cand update 'Change a project''s name or details (an empty value clears a field)'
            cand delete 'Delete a project'
        }
        &'appctl;help;project;create'= {
        }
        &'appctl;help;project;list'= {
        }
        &'appctl;help;project;show'= {
        }
        &'appctl;help;project;update'= {
        }
        &'appctl;help;project;delete'= {
        }
        &'appctl;help;app'= {
            cand create 'Create an app; prints its ID and, once, its API key, API secret and bearer token'
            cand list 'List apps'
            cand show 'Show an app''s details and credential metadata (never secrets)'
            cand update 'Change an app''s name or details (an empty value clears a field)'
            cand move 'Move an app into a project, or make it standalone'
            cand delete 'Delete an app and all its credentials'
            cand suspend 'Suspend an app: its credentials cannot be created or regenerated'
            cand reinstate 'Lift an app''s suspension'
        }
        &'appctl;help;app;create'= {
        }
        &'appctl;help;app;list'= {
        }
        &'appctl;help;app;show'= {
        }
        &'appctl;help;app;update'= {
        }
        &'appctl;help;app;move'= {
        }
        &'appctl;help;app;delete'= {
        }
        &'appctl;help;app;suspend'= {
        }
        &'appctl;help;app;reinstate'= {
        }
        &'appctl;help;keys'= {
            cand list 'Metadata of every credential of an app (never the values)'
            cand create 'Make a credential where none is active; prints it once'
            cand regenerate 'Replace a credential; prints the new one once and says what else became invalid'
            cand revoke 'Revoke a credential (asks for confirmation, or --yes)'
        }
        &'appctl;help;keys;list'= {
        }
        &'appctl;help;keys;create'= {
        }
        &'appctl;help;keys;regenerate'= {
        }
        &'appctl;help;keys;revoke'= {
        }
        &'appctl;help;log'= {
        }
        &'appctl;help;unlock'= {
        }
        &'appctl;help;lock'= {
        }
        &'appctl;help;passwd'= {
        }
        &'appctl;help;recover'= {
        }
        &'appctl;help;recovery-key'= {
            cand regenerate 'Replace the recovery key; prints the new one once'
        }
        &'appctl;help;recovery-key;regenerate'= {
        }
        &'appctl;help;check'= {
        }
        &'appctl;help;backup'= {
        }
        &'appctl;help;status'= {
        }
        &'appctl;help;help'= {
        }
    ]
    $completions[$command]
}
