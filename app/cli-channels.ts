import { InvalidArgumentError, Option, type Command } from 'commander';
import { ChannelPilotError, type ChannelModule, type CommandGroup } from '../core/index.ts';

/**
 * Adds the channels' commands to the program, each channel's under its word; a group the program
 * has under that word already (a command of app's own there) gains them.
 */
export function addChannelCommands(program: Command, channels: readonly ChannelModule[]): void {
  for (const channel of channels) if (channel.commands) addGroup(program, channel.commands);
}

function addGroup(parent: Command, group: CommandGroup): void {
  const command =
    parent.commands.find((c) => c.name() === group.name) ??
    parent.command(group.name).description(group.description);
  for (const sub of group.groups ?? []) addGroup(command, sub);
  for (const spec of group.commands) {
    const sub = command.command(spec.name).description(spec.description);
    for (const argument of spec.arguments ?? []) sub.argument(`<${argument.name}>`, argument.description);
    for (const option of spec.options ?? []) {
      const added = new Option(option.flags, option.description).makeOptionMandatory(
        option.required === true,
      );
      const parse = option.parse;
      // The channel says what it expects; commander puts it after the option's name.
      if (parse)
        added.argParser((value: string, previous: unknown) => {
          try {
            return parse(value, previous);
          } catch (error) {
            if (error instanceof ChannelPilotError) throw new InvalidArgumentError(error.message);
            throw error;
          }
        });
      if (option.default !== undefined) added.default(option.default);
      sub.addOption(added);
    }
    sub.action(async (...received: unknown[]) => {
      const count = spec.arguments?.length ?? 0;
      await spec.run({
        args: received.slice(0, count) as string[],
        options: received[count] as Record<string, unknown>,
        print: (line) => console.log(line),
        write: (text) => void process.stdout.write(text),
      });
    });
  }
}
