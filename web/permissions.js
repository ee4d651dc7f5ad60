// What the signed-in user may do, as GET /opendeh/v1/permissions answers it for the token.
// Buttons of actions the user may not perform are disabled with the reason; the operator
// view is hidden. The service still decides every call: a refused one shows its message.
import { $, block, h } from './dom.js';

/** The IAM action behind each button of the console. */
export const ACTION = {
  allocate: 'deh:dedicatedHosts:create', update: 'deh:dedicatedHosts:update', release: 'deh:dedicatedHosts:delete',
  tagList: 'deh:dedicatedHostTags:list', tagCreate: 'deh:dedicatedHostTags:create', tagDelete: 'deh:dedicatedHostTags:delete',
  dehQuota: 'deh:quotas:get', ecsCreate: 'ecs:servers:create', start: 'ecs:servers:start', stop: 'ecs:servers:stop',
  reboot: 'ecs:servers:reboot', ecsDelete: 'ecs:servers:delete', resize: 'ecs:servers:resize', migrate: 'ecs:servers:migrate',
  flavors: 'ecs:flavors:get', ecsQuota: 'ecs:quotas:get', fault: 'opendeh:dedicatedHosts:fault', repair: 'opendeh:dedicatedHosts:repair',
  setQuota: 'opendeh:quotas:update', pool: 'opendeh:pool:list', poolAdd: 'opendeh:pool:add', traceList: 'cts:trace:list',
};

let granted = {};

export async function loadPermissions(client) {
  granted = await client.operator.permissions();
  const denied = Object.values(ACTION).filter((a) => !a.startsWith('opendeh:') && !can(a));
  const note = $('#perm-note');
  note.replaceChildren(...(denied.length === 0 ? [] : [
    h('strong', { text: 'Some actions are not available to you. ' }),
    `Your permissions do not allow: ${denied.join(', ')}. Their buttons are greyed out; hover one for the reason.`,
  ]));
  note.hidden = denied.length === 0;
}

export const can = (action) => granted[action] === true;
export const isOperator = () => can(ACTION.fault) && can(ACTION.setQuota);
export const deniedReason = (action) => `Not permitted: your permissions do not allow ${action}.`;

/**
 * Enables a button, or disables it with the reason: the permission first, then `stateReason`
 * (a rule of the manual, e.g. "only a stopped ECS can be started").
 */
export function guard(button, action, stateReason = null) {
  return block(button, !can(action) ? deniedReason(action) : stateReason);
}
