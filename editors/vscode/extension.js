// The putlint extension: starts `putlint lsp` for YAML and JSON files; everything else
// (diagnostics, quick fixes, "fix all", hover) comes from the language server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("putlint").get("path", ["putlint"]);
  const server = { command: command[0], args: [...command.slice(1), "lsp"] };
  client = new LanguageClient("putlint", "putlint", server, {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
    ],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
