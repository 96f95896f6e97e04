// The console page: navigation and an empty main element the script fills.
// Kept as a string module so the compiled service (dist/) serves it with no copy step.
export const CONSOLE_PAGE = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clouddriver console</title>
<link rel="stylesheet" href="/console/console.css">
</head>
<body>
<header>
  <a class="brand" href="#/">Clouddriver console</a>
  <nav>
    <a href="#/" data-view="overview">Overview</a>
    <a href="#/accounts" data-view="accounts">Accounts</a>
    <a href="#/agents" data-view="agents">Agents</a>
    <a href="#/cache" data-view="cache">Cache</a>
    <a href="#/missing" data-view="missing">Why is this missing?</a>
    <a href="#/tasks" data-view="tasks">Tasks</a>
  </nav>
  <span id="instance" class="muted"></span>
</header>
<main id="main"><noscript>The console needs JavaScript (served by this service; nothing is fetched from elsewhere). The JSON it reads is under /console/api/.</noscript></main>
<script src="/console/console.js"></script>
</body>
</html>
`;
