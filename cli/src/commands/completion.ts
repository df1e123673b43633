// `coffer completion bash|zsh`: a completion script generated from the program itself (verbs, each verb's
// flags, the global flags), so new verbs complete without touching this file.
import type { Command } from 'commander';
import { GLOBAL_VALUE_FLAGS, OUTPUT_FORMATS } from '../args/global-options.ts';
import { UsageError } from '../errors.ts';
import { writeStdout } from './context.ts';

export function addCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', '\nExamples:\n  coffer completion bash > ~/.coffer-completion.bash    # and in ~/.bashrc: source ~/.coffer-completion.bash\n  coffer completion zsh > "${fpath[1]}/_coffer"\n')
    .action(async (shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`argument shell: invalid choice: '${shell}' (choose from 'bash', 'zsh')`);
      await writeStdout(completionScript(program, shell));
    });
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const spec = specOf(program);
  return shell === 'bash' ? bashScript(spec) : zshScript(spec);
}

interface Spec {
  verbs: string[];
  globals: string[];
  flags: Map<string, string[]>;
}

function longFlags(cmd: Command): string[] {
  return cmd.options.filter((o) => !o.hidden && o.long).map((o) => o.long as string);
}

function specOf(program: Command): Spec {
  const flags = new Map(program.commands.map((c) => [c.name(), longFlags(c)] as const));
  return { verbs: [...program.commands.map((c) => c.name()), 'help'], globals: [...longFlags(program), '--help'], flags };
}

function bashScript(spec: Spec): string {
  const cases = [...spec.flags].map(([verb, f]) => `    ${verb}) opts="${f.join(' ')} --help" ;;`).join('\n');
  return `# bash completion for coffer. Load it with: source <(coffer completion bash)
_coffer() {
  local cur prev verb w i opts=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local verbs="${spec.verbs.join(' ')}"
  local globals="${spec.globals.join(' ')}"
  local global_values=" ${GLOBAL_VALUE_FLAGS.join(' ')} "
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$global_values" == *" $w "* ]]; then ((i++)); continue; fi
    case "$w" in -*) ;; *) verb="$w"; break ;; esac
  done
  case "$prev" in
    --output) COMPREPLY=($(compgen -W "${OUTPUT_FORMATS.join(' ')}" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "on off auto" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "env json" -- "$cur")); return ;;
  esac
  if [[ -z "$verb" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$globals" -- "$cur")); else COMPREPLY=($(compgen -W "$verbs" -- "$cur")); fi
    return
  fi
  case "$verb" in
    help) COMPREPLY=($(compgen -W "$verbs" -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")); return ;;
${cases}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts $globals" -- "$cur")); else COMPREPLY=(); fi
}
complete -o default -F _coffer coffer
`;
}

function zshScript(spec: Spec): string {
  const cases = [...spec.flags].map(([verb, f]) => `    ${verb}) opts=(${f.join(' ')} --help) ;;`).join('\n');
  return `#compdef coffer
# zsh completion for coffer. Load it with: source <(coffer completion zsh), or save it as _coffer on $fpath.
_coffer() {
  local -a verbs globals opts
  local verb="" w i
  verbs=(${spec.verbs.join(' ')})
  globals=(${spec.globals.join(' ')})
  local global_values=" ${GLOBAL_VALUE_FLAGS.join(' ')} "
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ "$global_values" == *" $w "* ]]; then ((i++)); continue; fi
    [[ "$w" == -* ]] || { verb=$w; break; }
  done
  case \${words[CURRENT-1]} in
    --output) compadd -- ${OUTPUT_FORMATS.join(' ')}; return ;;
    --color) compadd -- on off auto; return ;;
    --format) compadd -- env json; return ;;
  esac
  if [[ -z "$verb" ]]; then
    if [[ "$PREFIX" == -* ]]; then compadd -- $globals; else compadd -- $verbs; fi
    return
  fi
  case $verb in
    help) compadd -- $verbs; return ;;
    completion) compadd -- bash zsh; return ;;
${cases}
  esac
  if [[ "$PREFIX" == -* ]]; then compadd -- $opts $globals; else _files; fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _coffer "$@"; else compdef _coffer coffer; fi
`;
}
