/**
 * lab:cleanup: delete everything the labs created.
 *
 * 1. Deletes the resource group (and with it every resource in it).
 * 2. Purges the soft-deleted API Management instance and Azure OpenAI account: Azure keeps them
 *    after deletion and holds their names until they are purged.
 * On Azure it asks for confirmation first, unless run with `--yes`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runLab } from './lib/lab.ts';
import { LabCheckError } from './lib/errors.ts';

await runLab({ step: 'cleanup', title: 'Clean up', usage: [] }, async (lab) => {
  const { clients, names, out, settings } = lab;
  const group = await lab.find(() => clients.resources.resourceGroups.get(names.resourceGroup));

  out.heading(`1. Resource group ${names.resourceGroup}`);
  if (group === undefined) {
    out.success(`Resource group ${names.resourceGroup}: not found, nothing to delete`);
  } else {
    const confirmed = await lab.confirm(`Delete resource group ${names.resourceGroup} and everything in it?`);
    if (!confirmed) throw new LabCheckError('Nothing was deleted: the deletion was not confirmed. Run `npm run lab:cleanup -- --yes` to delete without a question.');
    lab.doing(`deleting resource group ${names.resourceGroup}`);
    await out.task(
      `Deleting resource group ${names.resourceGroup}`,
      () => clients.resources.resourceGroups.beginDeleteAndWait(names.resourceGroup),
      () => `Resource group ${names.resourceGroup}: deleted`,
    );
  }

  out.heading('2. Purge soft-deleted API Management and Azure OpenAI');
  lab.doing('listing soft-deleted API Management instances');
  let purged = 0;
  for await (const deleted of clients.apim.deletedServices.listBySubscription()) {
    if (deleted.name?.toLowerCase() !== names.apim.toLowerCase() || !deleted.location) continue;
    lab.doing(`purging API Management ${names.apim}`);
    await out.task(
      `Purging API Management ${names.apim}`,
      () => clients.apim.deletedServices.beginPurgeAndWait(names.apim, deleted.location as string),
      () => `API Management ${names.apim}: purged`,
    );
    purged += 1;
  }
  lab.doing('listing soft-deleted Azure OpenAI accounts');
  for await (const deleted of clients.cognitive.deletedAccounts.list()) {
    if (deleted.name?.toLowerCase() !== names.openAiAccount.toLowerCase() || !deleted.location) continue;
    lab.doing(`purging Azure OpenAI account ${names.openAiAccount}`);
    await out.task(
      `Purging Azure OpenAI account ${names.openAiAccount}`,
      () => clients.cognitive.deletedAccounts.beginPurgeAndWait(deleted.location as string, names.resourceGroup, names.openAiAccount),
      () => `Azure OpenAI account ${names.openAiAccount}: purged`,
    );
    purged += 1;
  }
  if (purged === 0) out.success('Nothing soft-deleted to purge');

  lab.state.clear();
  rmSync(join(settings.stateDir, 'metrics-series.json'), { force: true });
  out.success('Lab state cleared');
});
