import type { ReactNode } from "react";
import type { Role } from "./api/client";
import { useAuth } from "./auth";
import { useCart } from "./cart";
import { Empty, Loading, PageTitle } from "./components/status";
import { AccountPage } from "./pages/account-page";
import { AdminMail } from "./pages/admin-mail";
import { AdminOperations } from "./pages/admin-operations";
import { AdminOrders } from "./pages/admin-orders";
import { AdminProducts } from "./pages/admin-products";
import { AuctionDetail } from "./pages/auction-detail";
import { AuctionCreate, AuctionEdit } from "./pages/auction-form";
import { AuctionList } from "./pages/auctions";
import { CartPage } from "./pages/cart-page";
import { CheckoutPage } from "./pages/checkout-page";
import { ConfirmationPage } from "./pages/confirmation-page";
import { CourierConsole, MakerConsole } from "./pages/consoles";
import { ForgotPasswordPage } from "./pages/forgot-password-page";
import { MyAuctions, MyBids } from "./pages/my-auctions";
import { MyOrders } from "./pages/my-orders";
import { ProductPage } from "./pages/product-page";
import { ResetPasswordPage } from "./pages/reset-password-page";
import { SignInPage } from "./pages/sign-in-page";
import { SignUpPage } from "./pages/sign-up-page";
import { Storefront } from "./pages/storefront";
import { TrackingPage } from "./pages/tracking-page";
import { Link, match, signInHref, signUpHref, useRouter } from "./router";

interface Route {
  pattern: string;
  roles?: Role[];
  render: (params: Record<string, string>) => ReactNode;
}

const SIGNED_IN: Role[] = ["customer", "maker", "courier", "seller", "admin"];

const ROUTES: Route[] = [
  { pattern: "/", render: () => <Storefront /> },
  { pattern: "/cakes/:id", render: (p) => <ProductPage id={p.id ?? ""} /> },
  { pattern: "/cart", render: () => <CartPage /> },
  { pattern: "/checkout", render: () => <CheckoutPage /> },
  { pattern: "/thanks/:id", render: (p) => <ConfirmationPage id={p.id ?? ""} /> },
  { pattern: "/orders/:id", render: (p) => <TrackingPage id={p.id ?? ""} /> },
  { pattern: "/sign-in", render: () => <SignInPage /> },
  { pattern: "/sign-up", render: () => <SignUpPage /> },
  { pattern: "/forgot-password", render: () => <ForgotPasswordPage /> },
  { pattern: "/reset-password", render: () => <ResetPasswordPage /> },
  { pattern: "/my-orders", roles: ["customer"], render: () => <MyOrders /> },
  { pattern: "/maker", roles: ["maker", "admin"], render: () => <MakerConsole /> },
  { pattern: "/courier", roles: ["courier", "admin"], render: () => <CourierConsole /> },
  { pattern: "/backoffice/products", roles: ["admin"], render: () => <AdminProducts /> },
  { pattern: "/backoffice/orders", roles: ["admin"], render: () => <AdminOrders /> },
  { pattern: "/backoffice/operations", roles: ["admin"], render: () => <AdminOperations /> },
  { pattern: "/backoffice/mail", roles: ["admin"], render: () => <AdminMail /> },
  { pattern: "/auctions", render: () => <AuctionList /> },
  { pattern: "/auctions/new", roles: ["seller"], render: () => <AuctionCreate /> },
  { pattern: "/auctions/mine", roles: ["seller"], render: () => <MyAuctions /> },
  { pattern: "/auctions/:id", render: (p) => <AuctionDetail key={p.id} id={p.id ?? ""} /> },
  { pattern: "/auctions/:id/edit", roles: ["seller"], render: (p) => <AuctionEdit id={p.id ?? ""} /> },
  { pattern: "/my-bids", roles: SIGNED_IN, render: () => <MyBids /> },
  { pattern: "/account", roles: SIGNED_IN, render: () => <AccountPage /> },
];

const NAV: Array<{ href: string; label: string; roles?: Role[] }> = [
  { href: "/", label: "Cakes" },
  { href: "/auctions", label: "Auctions" },
  { href: "/auctions/new", label: "Sell", roles: ["seller"] },
  { href: "/auctions/mine", label: "My auctions", roles: ["seller"] },
  { href: "/my-bids", label: "My bids", roles: SIGNED_IN },
  { href: "/my-orders", label: "My orders", roles: ["customer"] },
  { href: "/maker", label: "Bake list", roles: ["maker", "admin"] },
  { href: "/courier", label: "Deliveries", roles: ["courier", "admin"] },
  { href: "/backoffice/products", label: "Products", roles: ["admin"] },
  { href: "/backoffice/orders", label: "Orders", roles: ["admin"] },
  { href: "/backoffice/operations", label: "Operations", roles: ["admin"] },
  { href: "/backoffice/mail", label: "Mailbox", roles: ["admin"] },
];

function Header() {
  const { user, has, signOut } = useAuth();
  const { count } = useCart();
  const { location, navigate } = useRouter();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◐
          </span>{" "}
          Orderflow Bakery
        </Link>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.filter((item) => !item.roles || has(...item.roles)).map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={location.path === item.href ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
            <li>
              <Link href="/cart" aria-current={location.path === "/cart" ? "page" : undefined}>
                Cart <span className="cart-count">{count}</span>
                <span className="visually-hidden"> items</span>
              </Link>
            </li>
            {user ? (
              <>
                <li>
                  <Link href="/account" aria-current={location.path === "/account" ? "page" : undefined}>
                    Account
                  </Link>
                </li>
                <li>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      signOut();
                      navigate("/");
                    }}
                  >
                    Sign out <span className="visually-hidden">{user.email}</span>
                  </button>
                </li>
              </>
            ) : (
              <>
                <li>
                  <Link href={signInHref(location)} aria-current={location.path === "/sign-in" ? "page" : undefined}>
                    Sign in
                  </Link>
                </li>
                <li>
                  <Link href={signUpHref(location)} aria-current={location.path === "/sign-up" ? "page" : undefined}>
                    Create an account
                  </Link>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function App() {
  const { location } = useRouter();
  const { ready, has, user, sessionEnded } = useAuth();
  let page: ReactNode = (
    <Empty>
      <PageTitle>Page not found</PageTitle>
      <p>
        That page is not on our menu. <Link href="/">Back to the cakes</Link>
      </p>
    </Empty>
  );
  for (const route of ROUTES) {
    const params = match(route.pattern, location.path);
    if (!params) continue;
    // Until a stored token is checked, a page would load as someone the server may no longer accept.
    if (!ready) page = <Loading />;
    else if (route.roles && !has(...route.roles))
      page = (
        <Empty>
          <PageTitle>Sign in needed</PageTitle>
          <p>
            {user
              ? "Your account cannot open this page."
              : sessionEnded
                ? "Your session has ended. Please sign in again."
                : "Please sign in with an account that may see this page."}{" "}
            <Link href={signInHref(location)}>Sign in</Link>
            {/* A new account is a customer's: offer one where a customer may look. */}
            {!user && route.roles.includes("customer") && (
              <>
                {" "}
                or <Link href={signUpHref(location)}>create an account</Link>
              </>
            )}
          </p>
        </Empty>
      );
    else page = route.render(params);
    break;
  }
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      {/* A new user (signed in, out, or the session ended) loads every page afresh, as that user. */}
      <main id="main" className="main" key={user?.id ?? "guest"}>
        {page}
      </main>
      <footer className="site-footer">
        <p>Orderflow Bakery · baked fresh every morning · a demo shop — use the test cards at checkout</p>
      </footer>
    </>
  );
}
