import { print, UsageError } from '../../output.ts';
import type { FgaApi } from './api.ts';
import type { FgaSettings } from './settings.ts';

interface StoreJson {
  id: string;
  name: string;
  created_at: string;
}

/** `fga store create <name>` and `fga store list`. */
export async function store(api: FgaApi, settings: FgaSettings, [action, name]: string[]): Promise<number> {
  switch (action) {
    case 'create': {
      if (!name) throw new UsageError('fga store create needs a name');
      const created = await api.request<StoreJson>('POST', '/stores', { name });
      print(created, { json: settings.json, columns: ['id', 'name', 'created_at'] });
      return 0;
    }
    case 'list': {
      const stores: StoreJson[] = [];
      let token = '';
      do {
        const page = await api.request<{ stores: StoreJson[]; continuation_token: string }>(
          'GET',
          `/stores?page_size=100${token ? `&continuation_token=${encodeURIComponent(token)}` : ''}`,
        );
        stores.push(...page.stores);
        token = page.continuation_token;
      } while (token);
      print(stores, { json: settings.json, columns: ['id', 'name', 'created_at'] });
      return 0;
    }
    default:
      throw new UsageError(`unknown fga store command: ${action ?? '(none)'}`);
  }
}
