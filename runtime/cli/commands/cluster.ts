import { describeCluster } from '../../app/describe_cluster';
import type { ParsedArgs } from '../../app/command_line';

/** `tunekit cluster [--json]`: the Slurm cluster trials would run on, and our jobs in its queue. */
export async function clusterCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const { facts, lines } = await describeCluster();
  out.write(args.flags.has('json') ? JSON.stringify(facts, null, 2) + '\n' : lines.join('\n') + '\n');
  return 0;
}
