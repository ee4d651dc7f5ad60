// The API reference: fetches /openapi.json (this server's own document) and renders every
// operation, grouped by tag, with its parameters, request body and answers. Plain DOM, no
// dependencies, nothing loaded from elsewhere (the console's CSP allows only 'self').

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** `#/components/schemas/X` → the schema. */
function deref(doc, s) {
  if (!s || typeof s.$ref !== 'string') return s;
  return s.$ref.slice(2).split('/').reduce((o, k) => (o ? o[k] : undefined), doc) ?? {};
}

/** One line of what a schema accepts: type and constraints. */
function typeText(s) {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type ?? (s.anyOf || s.oneOf ? '' : s.allOf ? 'all of' : 'any');
  const notes = [];
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'pattern']) {
    if (s[k] !== undefined) notes.push(`${k} ${s[k]}`);
  }
  if (s.additionalProperties === false) notes.push('no other fields');
  return [t, notes.length ? `(${notes.join(', ')})` : ''].filter(Boolean).join(' ');
}

/** A schema as a nested list: fields with their types, required marks and descriptions. */
function schemaTree(doc, schema, depth = 0) {
  const s = deref(doc, schema) ?? {};
  const items = [];
  const line = (name, sub, required) => {
    const d = deref(doc, sub) ?? {};
    return el('li', {},
      name !== undefined ? el('span', {}, name) : null,
      required ? el('span', { class: 'api-req', title: 'required' }, '*') : null,
      name !== undefined ? ': ' : null,
      el('span', { class: 'api-type' }, typeText(d)),
      d.description ? el('span', { class: 'api-note' }, ` — ${d.description}`) : null,
      depth < 8 ? children(d) : null);
  };
  const children = (d) => {
    const sub = schemaTree(doc, d, depth + 1);
    return sub.childElementCount ? sub : null;
  };
  const required = new Set(s.required ?? []);
  for (const [name, sub] of Object.entries(s.properties ?? {})) items.push(line(name, sub, required.has(name)));
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) items.push(line(`[key ${pattern}]`, sub, false));
  if (s.additionalProperties && typeof s.additionalProperties === 'object') items.push(line('[any key]', s.additionalProperties, false));
  if (s.items) items.push(line('[item]', s.items, false));
  for (const k of ['anyOf', 'oneOf', 'allOf']) for (const [i, sub] of (s[k] ?? []).entries()) items.push(line(`${k === 'allOf' ? 'and' : 'or'} ${i + 1}`, sub, false));
  return el('ul', { class: 'api-schema' }, items);
}

function operationView(doc, path, method, op) {
  const body = el('div', { class: 'api-body' });
  const facts = [];
  facts.push(op.security?.length ? 'X-Auth-Token required' : 'no token');
  if (op['x-opendeh-action']) facts.push(`IAM action: ${op['x-opendeh-action'].join(', ')}`);
  if (op['x-opendeh-operator']) facts.push('operator (admin role)');
  facts.push(`errors in the ${op['x-opendeh-error-family']} shape`);
  body.append(el('p', { class: 'api-note' }, facts.join(' · ')));
  if (op.parameters?.length) {
    body.append(el('h4', {}, 'Parameters'), el('table', {},
      el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, 'type'), el('th', {}, 'description')),
      op.parameters.map((p) => el('tr', {},
        el('td', {}, p.name, p.required ? el('span', { class: 'api-req' }, '*') : null), el('td', {}, p.in),
        el('td', { class: 'api-type' }, typeText(p.schema ?? {})), el('td', {}, p.description ?? (p.schema?.description ?? ''))))));
  }
  const reqSchema = op.requestBody?.content?.['application/json']?.schema;
  if (reqSchema) body.append(el('h4', {}, 'Request body (application/json)'), schemaTree(doc, reqSchema));
  body.append(el('h4', {}, 'Answers'));
  for (const [status, r] of Object.entries(op.responses ?? {})) {
    const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
    body.append(el('div', {}, el('strong', {}, status), ' ', el('span', { class: 'api-note' }, r.description ?? '', type ? ` (${type})` : '')));
    if (media?.schema && status.startsWith('2')) body.append(schemaTree(doc, media.schema));
    else if (media?.schema?.$ref) body.append(el('div', { class: 'api-note' }, `body: ${media.schema.$ref.split('/').pop()}`));
  }
  const summary = el('summary', {},
    el('span', { class: `api-method ${method}` }, method), el('span', { class: 'api-path' }, path),
    op.security?.length ? null : el('span', { class: 'api-badge' }, 'public'),
    el('span', { class: 'api-summary' }, op.summary ?? ''));
  const d = el('details', { class: 'api-op', 'data-search': [method, path, op.summary, ...(op.tags ?? []), ...(op['x-opendeh-action'] ?? [])].join(' ').toLowerCase() }, summary, body);
  return d;
}

function render(doc) {
  $('title').textContent = `${doc.info.title} ${doc.info.version}`;
  $('description').textContent = doc.info.description ?? '';
  const byTag = new Map((doc.tags ?? []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationView(doc, path, method, op));
    }
  }
  const ops = $('ops');
  for (const [tag, views] of byTag) ops.append(el('section', { 'data-tag': tag }, el('h2', { class: 'api-tag' }, `${tag} (${views.length})`), views));
  const filter = () => {
    const q = $('filter').value.trim().toLowerCase();
    let shown = 0;
    for (const section of ops.children) {
      let any = false;
      for (const d of section.querySelectorAll('details')) {
        const hit = !q || d.dataset.search.includes(q);
        d.hidden = !hit;
        any ||= hit;
        if (hit) shown++;
      }
      section.hidden = !any;
    }
    $('count').textContent = `${shown} operations`;
  };
  $('filter').addEventListener('input', filter);
  filter();
}

fetch('/openapi.json', { headers: { accept: 'application/json' } })
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`GET /openapi.json answered ${r.status}`))))
  .then(render)
  .catch((e) => { $('description').textContent = `Could not load /openapi.json: ${e.message}`; });
