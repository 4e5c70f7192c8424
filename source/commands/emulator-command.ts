import type {Command} from './command.js';

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: '',
  usage: 'Usage\n  $ dps-enroll emulator\n',
  async run() {
    process.stderr.write('dps-enroll emulator: not available yet\n');
    return 1;
  },
};
