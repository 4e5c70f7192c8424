import type {Command} from './command.js';

export const certsCommand: Command = {
  name: 'certs',
  summary: '',
  usage: 'Usage\n  $ dps-enroll certs\n',
  async run() {
    process.stderr.write('dps-enroll certs: not available yet\n');
    return 1;
  },
};
