import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const scanRangeCommand: CommandModule = {
  command: 'scan-range [range]',
  describe: 'Scan the commits of a range (BASE..HEAD), as a pull-request gate',
  handler: () => {
    throw new UsageError('scan-range [range] is not built yet');
  },
};
