/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-network"

#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <gio/gio.h>

#include "lab-network.h"

/* Addresses of one family that other devices can reach: up, not loopback,
 * and for IPv6 not link-local (a browser cannot open those without the
 * interface's name appended). */
static void
add_addresses (GStrvBuilder   *builder,
               struct ifaddrs *addresses,
               int             family)
{
  for (struct ifaddrs *entry = addresses; entry != NULL; entry = entry->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      g_autofree char *text = NULL;
      GInetAddress *inet;

      if (entry->ifa_addr == NULL || entry->ifa_addr->sa_family != family ||
          !(entry->ifa_flags & IFF_UP) || (entry->ifa_flags & IFF_LOOPBACK))
        continue;

      address = g_socket_address_new_from_native (entry->ifa_addr,
                                                  family == AF_INET
                                                  ? sizeof (struct sockaddr_in)
                                                  : sizeof (struct sockaddr_in6));
      if (!G_IS_INET_SOCKET_ADDRESS (address))
        continue;

      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      if (g_inet_address_get_is_link_local (inet) || g_inet_address_get_is_loopback (inet))
        continue;

      text = g_inet_address_to_string (inet);
      g_strv_builder_add (builder, text);
    }
}

/**
 * lab_network_dup_lan_addresses:
 *
 * The addresses other devices can reach this computer at, right now, IPv4
 * first, then IPv6: what a teacher writes on the board, and what a
 * certificate must name.
 *
 * Returns: (transfer full): the addresses as text, maybe none
 */
char **
lab_network_dup_lan_addresses (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  struct ifaddrs *addresses = NULL;

  if (getifaddrs (&addresses) != 0)
    return g_strv_builder_end (builder);

  add_addresses (builder, addresses, AF_INET);
  add_addresses (builder, addresses, AF_INET6);
  freeifaddrs (addresses);

  return g_strv_builder_end (builder);
}
