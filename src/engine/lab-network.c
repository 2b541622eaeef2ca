/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-network"

#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <gio/gio.h>

#include "lab-network.h"

/**
 * lab_network_dup_lan_addresses:
 *
 * The IPv4 addresses other devices can reach this computer at, right now:
 * what a teacher writes on the board, and what a certificate must name.
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

  for (struct ifaddrs *entry = addresses; entry != NULL; entry = entry->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      g_autofree char *text = NULL;

      if (entry->ifa_addr == NULL || entry->ifa_addr->sa_family != AF_INET ||
          !(entry->ifa_flags & IFF_UP) || (entry->ifa_flags & IFF_LOOPBACK))
        continue;

      address = g_socket_address_new_from_native (entry->ifa_addr, sizeof (struct sockaddr_in));
      text = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
      g_strv_builder_add (builder, text);
    }

  freeifaddrs (addresses);

  return g_strv_builder_end (builder);
}
