
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'appctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'appctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'appctl' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new store (never overwrites one)')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Show projects with their apps, then standalone apps')
            [CompletionResult]::new('project', 'project', [CompletionResultType]::ParameterValue, 'Manage projects')
            [CompletionResult]::new('app', 'app', [CompletionResultType]::ParameterValue, 'Manage apps and their settings')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'List, create, regenerate and revoke an app''s credentials')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the event log, newest first')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'End unlock sessions (the current one, or all of this store''s)')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase (and optionally the KDF parameters)')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'Set a new passphrase with the recovery key')
            [CompletionResult]::new('recovery-key', 'recovery-key', [CompletionResultType]::ParameterValue, 'Manage the recovery key')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify the whole store: authentication, integrity, invariants, modes')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Copy the store (still encrypted) to PATH, taken under the lock')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the store''s path, owner, contents and this shell''s session; never asks for the passphrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;init' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'The owner''s handle (letters, digits, underscores) [default: $USER]')
            [CompletionResult]::new('--kdf-memory-mib', '--kdf-memory-mib', [CompletionResultType]::ParameterName, 'Argon2id memory in MiB (at least 19)')
            [CompletionResult]::new('--kdf-iterations', '--kdf-iterations', [CompletionResultType]::ParameterName, 'Argon2id iterations (at least 2)')
            [CompletionResult]::new('--kdf-parallelism', '--kdf-parallelism', [CompletionResultType]::ParameterName, 'Argon2id lanes')
            [CompletionResult]::new('--kdf-target-ms', '--kdf-target-ms', [CompletionResultType]::ParameterName, 'Choose memory (then iterations) so that unlocking takes about N ms on this machine')
            [CompletionResult]::new('--env-prefix', '--env-prefix', [CompletionResultType]::ParameterName, 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Print the new secrets as KEY=value lines, for `source` or a .env file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;dashboard' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;project' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a project and print its ID')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List projects')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a project and its apps')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a project''s name or details (an empty value clears a field)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a project')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;project;create' {
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description, at most 200 characters')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'Use case, at most 200 characters')
            [CompletionResult]::new('--environment', '--environment', [CompletionResultType]::ParameterName, 'Environment [default on create: development]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;project;list' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;project;show' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;project;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description, at most 200 characters')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'Use case, at most 200 characters')
            [CompletionResult]::new('--environment', '--environment', [CompletionResultType]::ParameterName, 'Environment [default on create: development]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;project;delete' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--with-apps', '--with-apps', [CompletionResultType]::ParameterName, 'Also delete its apps and their credentials')
            [CompletionResult]::new('--detach-apps', '--detach-apps', [CompletionResultType]::ParameterName, 'Keep its apps as standalone apps')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;project;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a project and print its ID')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List projects')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a project and its apps')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a project''s name or details (an empty value clears a field)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a project')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;project;help;create' {
            break
        }
        'appctl;project;help;list' {
            break
        }
        'appctl;project;help;show' {
            break
        }
        'appctl;project;help;update' {
            break
        }
        'appctl;project;help;delete' {
            break
        }
        'appctl;project;help;help' {
            break
        }
        'appctl;app' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an app; prints its ID and, once, its API key, API secret and bearer token')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List apps')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an app''s details and credential metadata (never secrets)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change an app''s name or details (an empty value clears a field)')
            [CompletionResult]::new('move', 'move', [CompletionResultType]::ParameterValue, 'Move an app into a project, or make it standalone')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an app and all its credentials')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend an app: its credentials cannot be created or regenerated')
            [CompletionResult]::new('reinstate', 'reinstate', [CompletionResultType]::ParameterValue, 'Lift an app''s suspension')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;app;create' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project to create it in (ID or name) [default: standalone]')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description, 10–200 characters')
            [CompletionResult]::new('--icon', '--icon', [CompletionResultType]::ParameterName, 'Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)')
            [CompletionResult]::new('--website-url', '--website-url', [CompletionResultType]::ParameterName, 'Website URL (http or https)')
            [CompletionResult]::new('--callback-url', '--callback-url', [CompletionResultType]::ParameterName, 'Add a callback URL (repeatable; at most 10 in all)')
            [CompletionResult]::new('--terms-url', '--terms-url', [CompletionResultType]::ParameterName, 'Terms of service URL')
            [CompletionResult]::new('--privacy-url', '--privacy-url', [CompletionResultType]::ParameterName, 'Privacy policy URL')
            [CompletionResult]::new('--organization-name', '--organization-name', [CompletionResultType]::ParameterName, 'Organization name')
            [CompletionResult]::new('--organization-url', '--organization-url', [CompletionResultType]::ParameterName, 'Organization URL')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'Use case, at most 200 characters')
            [CompletionResult]::new('--three-legged-oauth', '--three-legged-oauth', [CompletionResultType]::ParameterName, '3-legged OAuth ("sign in with"): needs a callback URL')
            [CompletionResult]::new('--request-email', '--request-email', [CompletionResultType]::ParameterName, 'Request the user''s email: needs terms and privacy URLs')
            [CompletionResult]::new('--permissions', '--permissions', [CompletionResultType]::ParameterName, 'Permission level of access tokens')
            [CompletionResult]::new('--env-prefix', '--env-prefix', [CompletionResultType]::ParameterName, 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Print the new secrets as KEY=value lines, for `source` or a .env file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;app;list' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Only the apps of this project (ID or name)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--standalone', '--standalone', [CompletionResultType]::ParameterName, 'Only apps without a project')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;app;show' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;app;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('--remove-callback-url', '--remove-callback-url', [CompletionResultType]::ParameterName, 'Remove this callback URL (repeatable)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description, 10–200 characters')
            [CompletionResult]::new('--icon', '--icon', [CompletionResultType]::ParameterName, 'Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)')
            [CompletionResult]::new('--website-url', '--website-url', [CompletionResultType]::ParameterName, 'Website URL (http or https)')
            [CompletionResult]::new('--callback-url', '--callback-url', [CompletionResultType]::ParameterName, 'Add a callback URL (repeatable; at most 10 in all)')
            [CompletionResult]::new('--terms-url', '--terms-url', [CompletionResultType]::ParameterName, 'Terms of service URL')
            [CompletionResult]::new('--privacy-url', '--privacy-url', [CompletionResultType]::ParameterName, 'Privacy policy URL')
            [CompletionResult]::new('--organization-name', '--organization-name', [CompletionResultType]::ParameterName, 'Organization name')
            [CompletionResult]::new('--organization-url', '--organization-url', [CompletionResultType]::ParameterName, 'Organization URL')
            [CompletionResult]::new('--use-case', '--use-case', [CompletionResultType]::ParameterName, 'Use case, at most 200 characters')
            [CompletionResult]::new('--three-legged-oauth', '--three-legged-oauth', [CompletionResultType]::ParameterName, '3-legged OAuth ("sign in with"): needs a callback URL')
            [CompletionResult]::new('--request-email', '--request-email', [CompletionResultType]::ParameterName, 'Request the user''s email: needs terms and privacy URLs')
            [CompletionResult]::new('--permissions', '--permissions', [CompletionResultType]::ParameterName, 'Permission level of access tokens')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--clear-callback-urls', '--clear-callback-urls', [CompletionResultType]::ParameterName, 'Remove every callback URL (before adding any --callback-url)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;app;move' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project to move it to (ID or name)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--standalone', '--standalone', [CompletionResultType]::ParameterName, 'Make it standalone')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;app;delete' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;app;suspend' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (shown in listings)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;app;reinstate' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;app;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an app; prints its ID and, once, its API key, API secret and bearer token')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List apps')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an app''s details and credential metadata (never secrets)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change an app''s name or details (an empty value clears a field)')
            [CompletionResult]::new('move', 'move', [CompletionResultType]::ParameterValue, 'Move an app into a project, or make it standalone')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an app and all its credentials')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend an app: its credentials cannot be created or regenerated')
            [CompletionResult]::new('reinstate', 'reinstate', [CompletionResultType]::ParameterValue, 'Lift an app''s suspension')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;app;help;create' {
            break
        }
        'appctl;app;help;list' {
            break
        }
        'appctl;app;help;show' {
            break
        }
        'appctl;app;help;update' {
            break
        }
        'appctl;app;help;move' {
            break
        }
        'appctl;app;help;delete' {
            break
        }
        'appctl;app;help;suspend' {
            break
        }
        'appctl;app;help;reinstate' {
            break
        }
        'appctl;app;help;help' {
            break
        }
        'appctl;keys' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Metadata of every credential of an app (never the values)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a credential where none is active; prints it once')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Replace a credential; prints the new one once and says what else became invalid')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a credential (asks for confirmation, or --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;keys;list' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;keys;create' {
            [CompletionResult]::new('--env-prefix', '--env-prefix', [CompletionResultType]::ParameterName, 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Print the new secrets as KEY=value lines, for `source` or a .env file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;keys;regenerate' {
            [CompletionResult]::new('--env-prefix', '--env-prefix', [CompletionResultType]::ParameterName, 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Print the new secrets as KEY=value lines, for `source` or a .env file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;keys;revoke' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'appctl;keys;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Metadata of every credential of an app (never the values)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a credential where none is active; prints it once')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Replace a credential; prints the new one once and says what else became invalid')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a credential (asks for confirmation, or --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;keys;help;list' {
            break
        }
        'appctl;keys;help;create' {
            break
        }
        'appctl;keys;help;regenerate' {
            break
        }
        'appctl;keys;help;revoke' {
            break
        }
        'appctl;keys;help;help' {
            break
        }
        'appctl;log' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Only events of this app (ID or name; an ID also finds deleted apps)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N events')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;unlock' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the session lasts, such as 90s, 15m or 2h (at most 24h)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;lock' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'End every session of this store, not only $APPCTL_SESSION''s')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;passwd' {
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'Read the new passphrase from the first line of FILE [default: ask twice at a terminal]')
            [CompletionResult]::new('--kdf-memory-mib', '--kdf-memory-mib', [CompletionResultType]::ParameterName, 'Argon2id memory in MiB (at least 19) [default: unchanged]')
            [CompletionResult]::new('--kdf-iterations', '--kdf-iterations', [CompletionResultType]::ParameterName, 'Argon2id iterations (at least 2) [default: unchanged]')
            [CompletionResult]::new('--kdf-parallelism', '--kdf-parallelism', [CompletionResultType]::ParameterName, 'Argon2id lanes [default: unchanged]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;recover' {
            [CompletionResult]::new('--recovery-key-file', '--recovery-key-file', [CompletionResultType]::ParameterName, 'The file holding the recovery key that `init` printed')
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'Read the new passphrase from the first line of FILE [default: ask twice at a terminal]')
            [CompletionResult]::new('--kdf-memory-mib', '--kdf-memory-mib', [CompletionResultType]::ParameterName, 'Argon2id memory in MiB (at least 19) [default: unchanged]')
            [CompletionResult]::new('--kdf-iterations', '--kdf-iterations', [CompletionResultType]::ParameterName, 'Argon2id iterations (at least 2) [default: unchanged]')
            [CompletionResult]::new('--kdf-parallelism', '--kdf-parallelism', [CompletionResultType]::ParameterName, 'Argon2id lanes [default: unchanged]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;recovery-key' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Replace the recovery key; prints the new one once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;recovery-key;regenerate' {
            [CompletionResult]::new('--env-prefix', '--env-prefix', [CompletionResultType]::ParameterName, 'With --env, start every variable''s name with PREFIX (such as DEMO_), so that several apps fit in one .env file; implies --env')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Print the new secrets as KEY=value lines, for `source` or a .env file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;recovery-key;help' {
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Replace the recovery key; prints the new one once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;recovery-key;help;regenerate' {
            break
        }
        'appctl;recovery-key;help;help' {
            break
        }
        'appctl;check' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;backup' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;status' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (errors as JSON on stderr)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm destructive actions without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'appctl;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new store (never overwrites one)')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Show projects with their apps, then standalone apps')
            [CompletionResult]::new('project', 'project', [CompletionResultType]::ParameterValue, 'Manage projects')
            [CompletionResult]::new('app', 'app', [CompletionResultType]::ParameterValue, 'Manage apps and their settings')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'List, create, regenerate and revoke an app''s credentials')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the event log, newest first')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'End unlock sessions (the current one, or all of this store''s)')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase (and optionally the KDF parameters)')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'Set a new passphrase with the recovery key')
            [CompletionResult]::new('recovery-key', 'recovery-key', [CompletionResultType]::ParameterValue, 'Manage the recovery key')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify the whole store: authentication, integrity, invariants, modes')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Copy the store (still encrypted) to PATH, taken under the lock')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the store''s path, owner, contents and this shell''s session; never asks for the passphrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'appctl;help;init' {
            break
        }
        'appctl;help;dashboard' {
            break
        }
        'appctl;help;project' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a project and print its ID')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List projects')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a project and its apps')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a project''s name or details (an empty value clears a field)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a project')
            break
        }
        'appctl;help;project;create' {
            break
        }
        'appctl;help;project;list' {
            break
        }
        'appctl;help;project;show' {
            break
        }
        'appctl;help;project;update' {
            break
        }
        'appctl;help;project;delete' {
            break
        }
        'appctl;help;app' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an app; prints its ID and, once, its API key, API secret and bearer token')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List apps')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an app''s details and credential metadata (never secrets)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change an app''s name or details (an empty value clears a field)')
            [CompletionResult]::new('move', 'move', [CompletionResultType]::ParameterValue, 'Move an app into a project, or make it standalone')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an app and all its credentials')
            [CompletionResult]::new('suspend', 'suspend', [CompletionResultType]::ParameterValue, 'Suspend an app: its credentials cannot be created or regenerated')
            [CompletionResult]::new('reinstate', 'reinstate', [CompletionResultType]::ParameterValue, 'Lift an app''s suspension')
            break
        }
        'appctl;help;app;create' {
            break
        }
        'appctl;help;app;list' {
            break
        }
        'appctl;help;app;show' {
            break
        }
        'appctl;help;app;update' {
            break
        }
        'appctl;help;app;move' {
            break
        }
        'appctl;help;app;delete' {
            break
        }
        'appctl;help;app;suspend' {
            break
        }
        'appctl;help;app;reinstate' {
            break
        }
        'appctl;help;keys' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Metadata of every credential of an app (never the values)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a credential where none is active; prints it once')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Replace a credential; prints the new one once and says what else became invalid')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a credential (asks for confirmation, or --yes)')
            break
        }
        'appctl;help;keys;list' {
            break
        }
        'appctl;help;keys;create' {
            break
        }
        'appctl;help;keys;regenerate' {
            break
        }
        'appctl;help;keys;revoke' {
            break
        }
        'appctl;help;log' {
            break
        }
        'appctl;help;unlock' {
            break
        }
        'appctl;help;lock' {
            break
        }
        'appctl;help;passwd' {
            break
        }
        'appctl;help;recover' {
            break
        }
        'appctl;help;recovery-key' {
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Replace the recovery key; prints the new one once')
            break
        }
        'appctl;help;recovery-key;regenerate' {
            break
        }
        'appctl;help;check' {
            break
        }
        'appctl;help;backup' {
            break
        }
        'appctl;help;status' {
            break
        }
        'appctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
