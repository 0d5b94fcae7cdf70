/**
 * Whether a text report gets colour: --color/--no-color, then FORCE_COLOR (CI logs that show colour, such as
 * GitHub's), then NO_COLOR, then whether the stream is a terminal.
 */
export function wantsColor(flag: boolean | undefined, stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}
