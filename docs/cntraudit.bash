# bash completion for cntraudit (installed as
# share/bash-completion/completions/cntraudit). Completes commands, report
# names, collect's subcommands, every option of the command being typed,
# and the values options take.

_cntraudit()
{
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local global="--db --base-url --project --org --now --allow-insecure-http -q -v -vv --help --version"
  local commands="check collect evidence import proxy raw report prices runs"
  local command="" sub="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      --db | --base-url | --project | --org | --now) ((i++)) ;;
      -*) ;;
      *)
        if [ -z "$command" ]; then command=${COMP_WORDS[i]}
        elif [ -z "$sub" ]; then sub=${COMP_WORDS[i]}
        fi ;;
    esac
  done
  case $prev in
    --db | --out | -o | --archive | --from | --scan | --import | --output | --port-file)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --format)
      case $command in
        check) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        report) COMPREPLY=($(compgen -W "text csv json html" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text csv json" -- "$cur")) ;;
      esac
      return ;;
    --by) COMPREPLY=($(compgen -W "day month" -- "$cur")); return ;;
    --dataset) COMPREPLY=($(compgen -W "estimates billed" -- "$cur")); return ;;
    --tz) COMPREPLY=($(compgen -W "UTC $(cd /usr/share/zoneinfo 2>/dev/null && find . -type f -path './[A-Z]*' | sed 's|^\./||')" -- "$cur")); return ;;
    --base-url | --project | --org | --now | --since | --until | --jobs | --parent | --max-orphan-share | --max-orphans | --min-coverage | --listen | --upstream)
      return ;;
  esac
  local options=""
  case $command in
    "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")); return ;;
    collect)
      [ -z "$sub" ] && { COMPREPLY=($(compgen -W "containers responses conversations usage all --help" -- "$cur")); return; }
      options="--since --until --from --scan --no-chain --with-files --with-input-items --jobs --no-progress --help" ;;
    import) options="--parent --help"; [[ $cur != -* ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
    report)
      [ -z "$sub" ] && { COMPREPLY=($(compgen -W "summary containers orphans threads daily reconcile focus html --help" -- "$cur")); return; }
      options="--format --json --since --until --tz --by --dataset --wide --spreadsheet-times --output -o --help" ;;
    evidence) options="--out --since --until --force --archive --help" ;;
    proxy) options="--listen --upstream --allow-remote --port-file --help" ;;
    check) options="--max-orphan-share --max-orphans --min-coverage --since --until --format --json --help" ;;
    prices) options="--format --json --wide --import --output -o --help" ;;
    raw) options="--help" ;;
    runs) options="--format --json --wide --help" ;;
  esac
  COMPREPLY=($(compgen -W "$options" -- "$cur"))
}
complete -F _cntraudit cntraudit
