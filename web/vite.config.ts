/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a running `podium serve`; the server refuses state-changing
// requests from a foreign Origin, so the proxy presents the server's own origin.
const target = process.env.PODIUM_URL ?? "http://127.0.0.1:3456";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      "/api": {
        target,
        configure: (proxy) => proxy.on("proxyReq", (req) => req.setHeader("origin", target)),
      },
      "/ws": {
        target,
        ws: true,
        configure: (proxy) => proxy.on("proxyReqWs", (req) => req.setHeader("origin", target)),
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
