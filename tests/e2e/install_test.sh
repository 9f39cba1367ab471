#!/usr/bin/env bash
# Getting cntraudit onto a machine: cmake --install puts the binary, the
# manual page and the bash completion under a prefix; the manual and the
# completion know every option any --help lists; the completion completes.
#   install_test.sh CNTRAUDIT BUILD_DIR        (from the source root)
set -u
bin=$1 build=$2
. tests/lib.sh "install"
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || fail "cmake --install failed: $(tail -3 "$tmp/install.log")"
check; "$tmp/prefix/bin/cntraudit" --version | grep -q '^cntraudit ' || fail "the installed binary does not run"
man=$tmp/prefix/share/man/man1/cntraudit.1
check; grep -q '^\.TH "cntraudit" "1"' "$man" 2>/dev/null || fail "no manual page at share/man/man1/cntraudit.1"
completion=$tmp/prefix/share/bash-completion/completions/cntraudit
check; [ -f "$completion" ] || fail "no bash completion installed"

# Every long option of every --help is in the manual and in the completion.
for command in "" check collect evidence import report prices runs; do
  for option in $("$bin" $command --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    check; grep -q -- "\\*$option\\*" docs/cntraudit.1.scd || fail "the manual lacks ${command:-global} $option"
    check; grep -q -- "$option\\b" docs/cntraudit.bash || fail "the completion lacks ${command:-global} $option"
  done
done

# The completion completes.
complete_words() { # WORDS...: what <TAB> after them offers
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cntraudit; echo "${COMPREPLY[*]}"' _ "$completion" "$@"
}
check; [ "$(complete_words cntraudit rep)" = report ] || fail "cntraudit rep<TAB>: $(complete_words cntraudit rep)"
check; complete_words cntraudit report "" | grep -qw html || fail "report <TAB> lacks html"
check; [ "$(complete_words cntraudit report focus --dataset "")" = "estimates billed" ] || fail "--dataset <TAB>"
check; complete_words cntraudit --db x.db evidence --a | grep -qw -- --archive || fail "evidence --a<TAB> after a global option"
check; [ "$(complete_words cntraudit collect "")" = "containers responses conversations usage all --help" ] || fail "collect <TAB>"
finish
