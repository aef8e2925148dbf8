import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiClient } from '../../src/glpi/glpi-client';
import { DropdownResolver } from '../../src/glpi/lookups';

describe('DropdownResolver', () => {
  it('asks GLPI once per name, also in dry runs (the batch planner on a fresh worker), and creates nothing then', async () => {
    const emulator = new GlpiEmulator();
    await emulator.start();
    const client = new GlpiClient({
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
    });
    try {
      const server = emulator.db.insert('ComputerType', { name: 'Server' });
      const resolver = new DropdownResolver();
      await client.initSession();
      emulator.resetCounters();
      for (let i = 0; i < 5; i++)
        expect(await resolver.resolve(client, 'ComputerType', 'Server', true)).toBe(server.id);
      expect(emulator.counters.total).toBe(1);
      // A value that would be created is not cached: a later real run creates it.
      expect(await resolver.resolve(client, 'ComputerType', 'Laptop', true)).toBeUndefined();
      expect(emulator.rows('ComputerType')).toHaveLength(1);
      const laptop = await resolver.resolve(client, 'ComputerType', 'Laptop');
      expect(emulator.db.get('ComputerType', laptop!)?.name).toBe('Laptop');
    } finally {
      await client.killSession();
      await emulator.stop();
    }
  });
});
