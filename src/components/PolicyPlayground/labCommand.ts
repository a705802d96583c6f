/**
 * "Copy as lab command": the shell lines that apply the playground's policy with the lab step,
 * on Azure or in the local sandbox, from the root of the course repository.
 */

/** The commands that write `policyXml` over the lab's policy file and run the policy lab. */
export function labCommandFor(policyXml: string, policyFile: string): string {
  const path = `labs/policies/${policyFile}.xml`;
  const text = policyXml.endsWith('\n') ? policyXml : `${policyXml}\n`;
  return [
    `# Write the playground's policy over ${path} (git diff shows the change; git checkout ${path} undoes it)`,
    `cat > ${path} <<'POLICY_XML'`,
    `${text}POLICY_XML`,
    '# Apply it to the openai API, on Azure or in the local sandbox',
    'npm run lab:policy',
  ].join('\n');
}
