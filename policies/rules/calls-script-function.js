// True when the command calls a shell function the script itself defines (an Arch .INSTALL helper
// such as `note`, or `post_upgrade` calling `post_install`): the function's own commands are
// classified where they are, so the call adds nothing of its own.
export function match(input) {
  const name = input.command && input.command.name;
  if (typeof name !== 'string') return false;
  return input.analysis.functions.some((f) => f.name === name);
}
