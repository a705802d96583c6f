/**
 * "Copy as lab command": the shell lines that apply the playground's policy with the lab step,
 * on Azure or in the local sandbox, from the root of the course repository.
 */

/** The lab step that applies this policy file: the base policy comes with the API import. */
function applyCommand(policyFile: string): string {
  if (policyFile === 'openai-api') return 'npm run lab:import-api';
  if (policyFile === 'llm-emit-token-metric') return 'npm run lab:policy -- --policy llm';
  return 'npm run lab:policy';
}

/** The commands that write `policyXml` over the lab's policy file and run the policy lab. */
export function labCommandFor(policyXml: string, policyFile: string): string {
  const path = `labs/policies/${policyFile}.xml`;
  const text = policyXml.endsWith('\n') ? policyXml : `${policyXml}\n`;
  return [
    `# Write the playground's policy over ${path} (git diff shows the change; git checkout ${path} undoes it)`,
    `cat > ${path} <<'POLICY_XML'`,
    `${text}POLICY_XML`,
    '# Apply it to the openai API, on Azure or in the local sandbox',
    applyCommand(policyFile),
  ].join('\n');
}
