/**
 * An osls-independent check of a CloudFormation template: every `Ref`, `Fn::GetAtt` and
 * `Fn::Sub` placeholder names a declared parameter, resource or pseudo parameter, and every
 * resource `Condition` a declared condition.
 */

const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

interface AnyTemplate {
  readonly Parameters?: Record<string, unknown>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Record<string, { readonly Condition?: string }>;
}

/** The references of `template` that resolve to nothing, as messages (empty: all resolve). */
export function unresolvedReferences(template: AnyTemplate): string[] {
  const names = new Set([
    ...PSEUDO_PARAMETERS,
    ...Object.keys(template.Parameters ?? {}),
    ...Object.keys(template.Resources),
  ]);
  const problems: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string' && !names.has(record.Ref))
      problems.push(`Ref ${record.Ref}`);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && !Object.hasOwn(template.Resources, String(getAtt[0])))
      problems.push(`Fn::GetAtt ${String(getAtt[0])}`);
    const sub = record['Fn::Sub'];
    if (typeof sub === 'string') {
      for (const [, name] of sub.matchAll(/\$\{([^}!]+)\}/g)) {
        const base = String(name).split('.')[0] as string;
        if (!names.has(String(name)) && !Object.hasOwn(template.Resources, base))
          problems.push(`Fn::Sub \${${String(name)}}`);
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(template.Resources);
  visit(template.Conditions ?? {});
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (
      resource.Condition !== undefined &&
      !Object.hasOwn(template.Conditions ?? {}, resource.Condition)
    )
      problems.push(`${id}: Condition ${resource.Condition}`);
  }
  return problems;
}
