// A second-language MCP client for `agentexchange mcp` (issue 16): the official TypeScript
// SDK (@modelcontextprotocol/sdk) starts the server over stdio, lists its tools and calls
// one, and prints what it saw as one JSON object. tests/integration/test_tools_mcp_node.py
// runs it against a live mock.
//
//   node scripts/mcp_client.mjs <command> [args...]     (the server's environment is ours)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node scripts/mcp_client.mjs <command> [args...]");
  process.exit(2);
}
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
const client = new Client({ name: "agentexchange-node-check", version: "1.0.0" });
await client.connect(transport);
try {
  const { tools } = await client.listTools();
  const price = await client.callTool({ name: "get_price", arguments: { symbol: "BTCUSDT" } });
  const refused = await client.callTool({
    name: "place_market_order",
    arguments: { symbol: "BTCUSDT", side: "buy", quantity: 0.01 },
  });
  console.log(
    JSON.stringify({
      server: client.getServerVersion(),
      tools: tools.map((t) => ({ name: t.name, annotations: t.annotations, schema: t.inputSchema })),
      price: { isError: price.isError ?? false, text: price.content[0].text },
      refused: { isError: refused.isError ?? false, text: refused.content[0].text },
    }),
  );
} finally {
  await client.close();
}
