// @ts-nocheck
import { instant } from "@x/trace";

// Record point-in-time events without span lifecycle
instant("cache_miss", { key: "user:123" });
instant("user_click", { target: "submit_button" });
instant("state_change", { from: "loading", to: "ready" });
