import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { loadApiBase } from "./api/client";
import { App } from "./app";
import { AuthProvider } from "./auth";
import { CartProvider } from "./cart";
import { Router } from "./router";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
void loadApiBase().then(() =>
  createRoot(root).render(
    <StrictMode>
      <Router>
        <AuthProvider>
          <CartProvider>
            <App />
          </CartProvider>
        </AuthProvider>
      </Router>
    </StrictMode>,
  ),
);
