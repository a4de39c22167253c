/**
 * The model form's flow options, rendered from the family's option schema (as the worker lists it):
 * a number input per number or integer option (with its bounds), a checkbox per boolean, a select
 * per choice, a text input for hidden widths (`64,64`) and registry names.
 * @module
 */
import type { FamilyInfo, OptionInfo } from './registry-info.js';

/** The default of an option as the form writes it. */
function defaultValue(info: OptionInfo): string {
  const d = info.input.default;
  if (d === undefined) return '';
  return Array.isArray(d) ? d.join(',') : String(d);
}

/** One option's input element, named `opt.KEY`. */
function inputFor(info: OptionInfo): HTMLElement {
  const { input } = info;
  const name = `opt.${info.key}`;
  if (input.type === 'choice') {
    const select = document.createElement('select');
    select.name = name;
    for (const v of input.values) select.add(new Option(String(v), String(v)));
    select.value = defaultValue(info);
    select.dataset.default = defaultValue(info);
    return select;
  }
  const element = document.createElement('input');
  element.name = name;
  if (input.type === 'boolean') {
    element.type = 'checkbox';
    element.checked = input.default;
    element.dataset.default = String(input.default);
    return element;
  }
  if (input.type === 'number' || input.type === 'integer') {
    element.type = 'number';
    element.step = input.type === 'integer' ? '1' : 'any';
    const min = input.type === 'integer' ? input.min : (input.atLeast ?? input.above);
    if (min !== undefined) element.min = String(min);
    if (input.type === 'number' && input.atMost !== undefined) element.max = String(input.atMost);
  } else element.type = 'text';
  element.value = defaultValue(info);
  element.dataset.default = defaultValue(info);
  element.placeholder = input.type === 'integers' ? 'e.g. 64,64' : '';
  return element;
}

/** Replaces `fieldset`'s contents with `family`'s option inputs, then sets `values` over the defaults. */
export function renderOptions(
  fieldset: HTMLFieldSetElement,
  family: FamilyInfo,
  values: Readonly<Record<string, string>> = {},
): void {
  fieldset.replaceChildren();
  const legend = document.createElement('legend');
  legend.textContent = `${family.name} options`;
  fieldset.append(legend);
  if (!family.hasSchema) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = `${family.name} declares no option schema: it trains with its defaults.`;
    fieldset.append(note);
  }
  for (const info of family.options) {
    const label = document.createElement('label');
    label.textContent = `${info.key} `;
    const element = inputFor(info);
    const given = values[info.key];
    if (given !== undefined) {
      if (element instanceof HTMLInputElement && element.type === 'checkbox')
        element.checked = given === 'true';
      else (element as HTMLInputElement).value = given;
    }
    label.append(element);
    fieldset.append(label);
  }
}

/**
 * The option values the form holds that differ from the schema's defaults, as strings by key (a
 * checkbox as `true` / `false`): the family fills in the rest, so an option that applies only with
 * another (a fixed-step solver's `steps`) is not sent where it does not apply.
 */
export function readOptions(fieldset: HTMLFieldSetElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const element of Array.from(fieldset.elements)) {
    const e = element as HTMLInputElement;
    if (!e.name?.startsWith('opt.')) continue;
    const value = e.type === 'checkbox' ? String(e.checked) : e.value.trim();
    if (value !== e.dataset.default) values[e.name.slice(4)] = value;
  }
  return values;
}
