import { describe, expect, it } from 'vitest';
import { compileTemplate, printValue, renderTemplate, TemplateError } from './template.js';

const c = {
  Id: 'abc',
  Name: '/web',
  State: { Status: 'running', Running: true, Paused: false, ExitCode: 0, Pid: 42 },
  Config: { Cmd: ['sleep', '10'], Env: [], Labels: { b: '2', a: '1' }, Entrypoint: null },
  Mounts: [{ Source: '/a', Destination: '/b' }],
  Big: 1234567890123,
  Label: (k: string) => (({ app: 'web' }) as Record<string, string>)[k] ?? '',
};

describe('renderTemplate', () => {
  it('reads fields and nested fields, with text around them', () => {
    expect(renderTemplate('{{.State.Status}}', c)).toBe('running');
    expect(renderTemplate('{{.Name}} is {{.State.Status}} ({{.State.Pid}})', c)).toBe('/web is running (42)');
    expect(renderTemplate('{{.Big}} {{.State.Running}}', c)).toBe('1234567890123 true');
  });
  it("prints lists, maps, null and missing keys as Go's %v does", () => {
    expect(renderTemplate('{{.Config.Cmd}}', c)).toBe('[sleep 10]');
    expect(renderTemplate('{{.Config.Labels}}', c)).toBe('map[a:1 b:2]');
    expect(renderTemplate('{{.Config.Entrypoint}}', c)).toBe('<nil>');
    expect(renderTemplate('{{.Nope}}', c)).toBe('<no value>');
    expect(renderTemplate('{{.Nope.Deeper}}', c)).toBe('<no value>');
    expect(renderTemplate('{{.Config.Env}}', c)).toBe('[]');
  });
  it('has json, index, join, upper, lower, title, len, printf, println', () => {
    expect(renderTemplate('{{json .Config}}', c)).toBe(
      '{"Cmd":["sleep","10"],"Env":[],"Labels":{"b":"2","a":"1"},"Entrypoint":null}',
    );
    expect(renderTemplate('{{json .State.Status}}', c)).toBe('"running"');
    expect(renderTemplate('{{json .Nope}}', c)).toBe('null');
    expect(renderTemplate('{{index .Config.Labels "a"}}', c)).toBe('1');
    expect(renderTemplate('{{index .Config.Cmd 1}}', c)).toBe('10');
    expect(renderTemplate('{{join .Config.Cmd ","}}', c)).toBe('sleep,10');
    expect(renderTemplate('{{upper .State.Status}}|{{.State.Status | upper}}', c)).toBe('RUNNING|RUNNING');
    expect(renderTemplate('{{lower "AbC"}} {{title "hello world"}}', c)).toBe('abc Hello World');
    expect(renderTemplate('{{len .Config.Cmd}}', c)).toBe('2');
    expect(renderTemplate('{{printf "%s=%d" .Id .State.Pid}}', c)).toBe('abc=42');
    expect(renderTemplate('{{printf "%-6s|" .Id}}', c)).toBe('abc   |');
    expect(renderTemplate('{{println .Id}}', c)).toBe('abc\n');
    expect(renderTemplate('{{split "a:b" ":"}}', c)).toBe('[a b]');
  });
  it('calls method fields with arguments (docker ps {{.Label "k"}})', () => {
    expect(renderTemplate('{{.Label "app"}}-{{.Label "x"}}', c)).toBe('web-');
  });
  it('runs if/else, else if, with, range over lists and maps, with variables', () => {
    expect(renderTemplate('{{if .State.Running}}up{{else}}down{{end}}', c)).toBe('up');
    expect(
      renderTemplate('{{if .State.Paused}}p{{else if eq .State.Status "running"}}r{{else}}x{{end}}', c),
    ).toBe('r');
    expect(renderTemplate('{{with .State}}{{.Status}}{{end}}', c)).toBe('running');
    expect(renderTemplate('{{with .Nope}}a{{else}}b{{end}}', c)).toBe('b');
    expect(renderTemplate('{{range .Config.Cmd}}<{{.}}>{{end}}', c)).toBe('<sleep><10>');
    expect(renderTemplate('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', c)).toBe('a=1;b=2;');
    expect(renderTemplate('{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}', c)).toBe('/a:/b ');
    expect(renderTemplate('{{range .Config.Env}}x{{else}}none{{end}}', c)).toBe('none');
    expect(renderTemplate('{{range .Config.Cmd}}{{$.Id}}{{end}}', c)).toBe('abcabc');
    expect(renderTemplate('{{$s := .State.Status}}{{$s}}', c)).toBe('running');
    expect(renderTemplate('{{if and .State.Running (not .State.Paused)}}ok{{end}}', c)).toBe('ok');
    expect(renderTemplate('{{if or .State.Paused (gt .State.Pid 10)}}ok{{end}}', c)).toBe('ok');
  });
  it('trims with {{- and -}} and ignores comments', () => {
    expect(renderTemplate('a  {{- .Id -}}  b{{/* c */}}', c)).toBe('aabcb');
  });
  it('compiles once and runs per row', () => {
    const t = compileTemplate('{{.ID}}\t{{.Names}}');
    expect(
      [
        { ID: '1', Names: 'a' },
        { ID: '2', Names: 'b' },
      ].map((r) => t.execute(r)),
    ).toEqual(['1\ta', '2\tb']);
  });
  it('fails with Go-like messages on bad templates', () => {
    expect(() => compileTemplate('{{.Id')).toThrow(/template parsing error: .*unclosed action/);
    expect(() => compileTemplate('{{nope .Id}}').execute(c)).toThrow(/function "nope" not defined/);
    expect(() => compileTemplate('{{if .Id}}x')).toThrow(/unexpected EOF/);
    expect(() => compileTemplate('{{end}}')).toThrow(/unexpected \{\{end\}\}/);
    expect(() => renderTemplate('{{.Id.Foo}}', c)).toThrow(TemplateError);
  });
});

describe('printValue', () => {
  it('formats floats as Go does', () => {
    expect(printValue(1.5)).toBe('1.5');
    expect(printValue(1e21)).toBe('1e+21');
    expect(printValue(true)).toBe('true');
  });
});
