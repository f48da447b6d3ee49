// irc-framework (the IRC library of Kiwi IRC) against chatd: one client
// over TCP, one over WebSocket (irc-framework's own websocket transport,
// with the "ws" package as Node's WebSocket), both register, join #kiwi
// and exchange a message. Prints TAP; every wait is bounded.
//
// usage: node irc-framework.js HOST TCP_PORT WS_PORT [SUBPROTOCOL]
'use strict';

const IRC = require('irc-framework');
const WebSocketTransport = require('irc-framework/src/transports/websocket');

// The transport uses the browser's global WebSocket; Node 18 has none.
global.WebSocket = require('ws');

const [host, tcpPort, wsPort, protocol] = process.argv.slice(2);
const channel = '#kiwi';
let n = 0;
let failed = 0;

function ok(cond, desc) {
    n++;
    if (!cond)
        failed++;
    console.log((cond ? 'ok ' : 'not ok ') + n + ' - ' + desc);
}

// Resolves with the first event of name on client that pred accepts.
function waitFor(client, name, pred, what) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            client.removeListener(name, on);
            reject(new Error('timed out waiting for ' + what));
        }, 20000);
        function on(event) {
            if (pred && !pred(event))
                return;
            clearTimeout(timer);
            client.removeListener(name, on);
            resolve(event);
        }
        client.on(name, on);
    });
}

function start(nick, port, ws) {
    const options = {
        host: host,
        port: Number(port),
        nick: nick,
        username: nick,
        gecos: 'irc-framework ' + (ws ? 'WebSocket' : 'TCP'),
        auto_reconnect: false,
        ping_interval: 0,
    };
    if (ws) {
        options.transport = WebSocketTransport;
        if (protocol)
            options.websocket_protocol = protocol;
    }
    const client = new IRC.Client(options);
    const registered = waitFor(client, 'registered', null,
        nick + ' to register');
    client.connect();
    return { client, registered };
}

async function main() {
    const tcp = start('kiwitcp', tcpPort, false);
    const web = start('kiwiweb', wsPort, true);
    const clients = [tcp.client, web.client];
    try {
        await tcp.registered;
        ok(true, 'the TCP client registers');
        await web.registered;
        ok(true, 'the WebSocket client registers (' +
            (protocol || 'no subprotocol') + ')');
        for (const c of clients) {
            const joined = waitFor(c, 'join',
                (e) => e.nick === c.user.nick && e.channel === channel,
                c.user.nick + ' to join');
            c.join(channel);
            await joined;
        }
        ok(true, 'both join ' + channel);

        const atWeb = waitFor(web.client, 'privmsg',
            (e) => e.nick === 'kiwitcp', 'the TCP message');
        tcp.client.say(channel, 'hello over TCP');
        const m1 = await atWeb;
        ok(m1.message === 'hello over TCP' && m1.target === channel,
            'the WebSocket client hears the TCP one: ' + m1.message);

        const atTcp = waitFor(tcp.client, 'privmsg',
            (e) => e.nick === 'kiwiweb', 'the WebSocket message');
        web.client.say(channel, 'hello over WebSocket, ça va?');
        const m2 = await atTcp;
        ok(m2.message === 'hello over WebSocket, ça va?',
            'the TCP client hears the WebSocket one: ' + m2.message);

        const quit = waitFor(tcp.client, 'quit',
            (e) => e.nick === 'kiwiweb', 'the QUIT');
        web.client.quit('bye from the web');
        const q = await quit;
        ok(q.message.includes('bye from the web'),
            'the WebSocket client quits with its message: ' + q.message);
    } catch (e) {
        ok(false, e.message);
    }
    for (const c of clients) {
        c.quit('done');
    }
    console.log('1..' + n);
    // Let the QUITs go out, then leave even if a socket lingers.
    setTimeout(() => process.exit(failed ? 1 : 0), 200);
}

main();
