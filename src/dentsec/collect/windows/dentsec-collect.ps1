<#
.SYNOPSIS
    dentsec Windows collector: reads security settings, changes nothing, prints ONE JSON document.

.DESCRIPTION
    Windows PowerShell 5.1 compatible, no external module. Every part runs in its own
    runspace with a time limit; a part that fails or times out carries its error instead
    of data, so the audit reports "unknown" rather than guessing. Locale-independent by
    construction: registry values, secedit INF keys, well-known SIDs, enum names and
    cmdlet objects serialized with ConvertTo-Json - never translated labels.
    Works without administrator rights: parts that need them record the access error.

    Without -Output the document is written to standard output (UTF-8), which is what
    dentsec runs. With -Output X.zip it writes a dentsec evidence bundle (layout of
    dentsec.evidence/1) holding that same document as the output of the logical command
        powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File dentsec-collect.ps1
    so that "dentsec audit --evidence X.zip" replays it on any machine.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File dentsec-collect.ps1 -Output poste-accueil.zip
#>
[CmdletBinding()]
param(
    [string]$Output = '',
    [int]$PartTimeoutSeconds = 60,
    [int]$UpdateSearchTimeoutSeconds = 240,
    [int]$TotalTimeoutSeconds = 290
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    # 32-bit PowerShell (started by a 32-bit program) has no LocalAccounts module and sees
    # redirected folders: run again in the native 64-bit one and pass its output through.
    [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding($false)
    $native = Join-Path $env:windir 'sysnative\WindowsPowerShell\v1.0\powershell.exe'
    $forward = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $PSCommandPath)
    foreach ($key in $PSBoundParameters.Keys) { $forward += @("-$key", [string]$PSBoundParameters[$key]) }
    & $native @forward
    exit $LASTEXITCODE
}

$ScriptVersion = '1'
$DocumentSchema = 'dentsec.windows-collect/1'
# The argv dentsec records for this script, whatever the real path: replay looks it up.
$LogicalArgv = @('powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy',
                 'Bypass', '-File', 'dentsec-collect.ps1')

# Helpers shared by every part (each part runs in a fresh runspace, so they travel as text).
$Prelude = {
    $ErrorActionPreference = 'Stop'
    $AdminSid = 'S-1-5-32-544'

    function Test-Elevated {
        $id = [Security.Principal.WindowsIdentity]::GetCurrent()
        $principal = New-Object Security.Principal.WindowsPrincipal($id)
        return $principal.IsInRole([Security.Principal.SecurityIdentifier]$AdminSid)
    }

    function Read-RegistryValue([string]$Hive, [string]$SubKey, [string]$Name) {
        # One value, with its kind; a missing key or value is reported, never defaulted.
        $entry = [ordered]@{ hive = $Hive; key = $SubKey; name = $Name; present = $false;
                             kind = $null; value = $null; error = $null }
        try {
            if ($Hive -eq 'HKLM') {
                $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey('LocalMachine', 'Registry64')
            } elseif ($Hive -eq 'HKCU') {
                $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey('CurrentUser', 'Registry64')
            } else {
                $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey('Users', 'Registry64')
            }
            $key = $base.OpenSubKey($SubKey)
            if ($null -ne $key) {
                $raw = $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
                if ($null -ne $raw) {
                    $entry.present = $true
                    $entry.kind = [string]$key.GetValueKind($Name)
                    if ($raw -is [byte[]]) { $entry.value = [Convert]::ToBase64String($raw) }
                    elseif ($raw -is [string[]]) { $entry.value = @($raw) }
                    else { $entry.value = $raw }
                }
                $key.Close()
            }
        } catch {
            $entry.error = '{0}: {1}' -f $_.Exception.GetType().FullName, $_.Exception.Message
        }
        return $entry
    }

    function New-SidColumn {
        # A SecurityIdentifier as "Get-LocalUser | ConvertTo-Json" shows it at its default depth.
        @{ n = 'SID'; e = { [ordered]@{ BinaryLength = $_.SID.BinaryLength;
                                        AccountDomainSid = [string]$_.SID.AccountDomainSid;
                                        Value = [string]$_.SID.Value } } }
    }

    function Get-UserProfiles {
        # Every profile folder when elevated; only our own otherwise (others are not readable).
        if (Test-Elevated) {
            $root = Split-Path -Parent $env:USERPROFILE
            return @(Get-ChildItem -LiteralPath $root -Directory -ErrorAction SilentlyContinue |
                Where-Object { @('Public', 'Default', 'Default User', 'All Users') -notcontains $_.Name })
        }
        return @(Get-Item -LiteralPath $env:USERPROFILE)
    }
}

# --- the parts --------------------------------------------------------------------------
# Each returns plain data; shapes are documented in src/dentsec/collect/windows/README.md.

$Parts = [ordered]@{}

$Parts['os'] = {
    $cv = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    $reg = [ordered]@{}
    foreach ($n in @('ProductName', 'EditionID', 'CompositionEditionID', 'DisplayVersion',
                     'ReleaseId', 'CurrentBuild', 'CurrentBuildNumber', 'UBR', 'InstallationType')) {
        $v = Read-RegistryValue 'HKLM' $cv $n
        $reg[$n] = $v.value
    }
    $os = Get-CimInstance -ClassName Win32_OperatingSystem -OperationTimeoutSec 30 |
        Select-Object -Property @('Caption', 'Version', 'BuildNumber', 'OSArchitecture',
                                  'ProductType', 'OSLanguage', 'LastBootUpTime', 'CSName')
    [ordered]@{ registry = $reg; win32_operatingsystem = $os }
}

$Parts['registry'] = {
    $wanted = @(
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System', 'EnableLUA'),
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System', 'ConsentPromptBehaviorAdmin'),
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System', 'PromptOnSecureDesktop'),
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System', 'InactivityTimeoutSecs'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU', 'NoAutoUpdate'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU', 'AUOptions'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU', 'UseWUServer'),
        @('HKLM', 'SYSTEM\CurrentControlSet\Control\Terminal Server', 'fDenyTSConnections'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services', 'fDenyTSConnections'),
        @('HKLM', 'SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp', 'UserAuthentication'),
        @('HKLM', 'SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp', 'PortNumber'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services', 'UserAuthentication'),
        @('HKLM', 'SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters', 'SMB1'),
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer', 'NoDriveTypeAutoRun'),
        @('HKCU', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer', 'NoDriveTypeAutoRun'),
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer', 'NoAutorun'),
        @('HKCU', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer\AutoplayHandlers', 'DisableAutoplay'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Windows\System', 'EnableSmartScreen'),
        @('HKLM', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer', 'SmartScreenEnabled'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Edge', 'SmartScreenEnabled'),
        @('HKLM', 'SOFTWARE\Policies\Google\Chrome', 'PasswordManagerEnabled'),
        @('HKCU', 'SOFTWARE\Policies\Google\Chrome', 'PasswordManagerEnabled'),
        @('HKLM', 'SOFTWARE\Policies\Microsoft\Edge', 'PasswordManagerEnabled'),
        @('HKCU', 'SOFTWARE\Policies\Microsoft\Edge', 'PasswordManagerEnabled'),
        @('HKLM', 'SOFTWARE\Policies\Mozilla\Firefox', 'PasswordManagerEnabled')
    )
    $out = New-Object System.Collections.ArrayList
    foreach ($w in $wanted) { [void]$out.Add((Read-RegistryValue $w[0] $w[1] $w[2])) }
    , $out.ToArray()
}

$Parts['secpol'] = {
    # secedit writes a UTF-16LE INF; the keys (MinimumPasswordLength...) are never translated.
    $tmp = Join-Path $env:TEMP ('dentsec-secpol-{0}.inf' -f [guid]::NewGuid())
    try {
        $p = Start-Process -FilePath "$env:SystemRoot\System32\secedit.exe" -NoNewWindow -Wait -PassThru `
            -ArgumentList @('/export', '/cfg', "`"$tmp`"", '/areas', 'SECURITYPOLICY', '/quiet')
        if (-not (Test-Path -LiteralPath $tmp)) {
            if (-not (Test-Elevated)) {
                throw (New-Object System.UnauthorizedAccessException(
                    "secedit /export wrote nothing (exit $($p.ExitCode)): administrator rights are needed"))
            }
            throw "secedit /export wrote nothing (exit $($p.ExitCode))"
        }
        [ordered]@{ exit_code = $p.ExitCode; inf = (Get-Content -LiteralPath $tmp -Raw -Encoding Unicode) }
    } finally {
        Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
    }
}

$Parts['local_users'] = {
    $columns = @('AccountExpires', 'Description', 'Enabled', 'FullName', 'PasswordChangeableDate',
                 'PasswordExpires', 'UserMayChangePassword', 'PasswordRequired', 'PasswordLastSet',
                 'LastLogon', 'Name', (New-SidColumn), 'PrincipalSource', 'ObjectClass')
    , @(Get-LocalUser | Select-Object -Property $columns)
}

$Parts['admins'] = {
    try {
        [ordered]@{ method = 'Get-LocalGroupMember';
                    members = @(Get-LocalGroupMember -SID $AdminSid |
                                Select-Object -Property @('Name', (New-SidColumn), 'PrincipalSource', 'ObjectClass')) }
    } catch {
        # Get-LocalGroupMember fails on orphaned or cloud members: ask ADSI instead, by SID.
        $first = '{0}: {1}' -f $_.Exception.GetType().FullName, $_.Exception.Message
        $name = ([Security.Principal.SecurityIdentifier]$AdminSid).Translate(
            [Security.Principal.NTAccount]).Value.Split('\')[-1]
        $group = [ADSI]("WinNT://$env:COMPUTERNAME/$name,group")
        $members = foreach ($m in @($group.psbase.Invoke('Members'))) {
            $bytes = $m.GetType().InvokeMember('objectSid', 'GetProperty', $null, $m, $null)
            [ordered]@{
                Name = $m.GetType().InvokeMember('Name', 'GetProperty', $null, $m, $null)
                SID  = (New-Object Security.Principal.SecurityIdentifier($bytes, 0)).Value
                # IADs.Class: "User" or "Group" (a group holds people we do not list).
                ObjectClass = $m.GetType().InvokeMember('Class', 'GetProperty', $null, $m, $null)
            }
        }
        [ordered]@{ method = 'adsi'; first_error = $first; members = @($members) }
    }
}

$Parts['defender'] = {
    $columns = @('AMServiceEnabled', 'AMRunningMode', 'AMProductVersion', 'AntivirusEnabled',
                 'RealTimeProtectionEnabled', 'IoavProtectionEnabled', 'OnAccessProtectionEnabled',
                 'BehaviorMonitorEnabled', 'AntivirusSignatureAge', 'AntivirusSignatureLastUpdated',
                 'AntivirusSignatureVersion', 'DefenderSignaturesOutOfDate', 'IsTamperProtected',
                 'QuickScanAge', 'FullScanAge')
    Get-MpComputerStatus | Select-Object -Property $columns
}

$Parts['security_center'] = {
    $av = @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName AntiVirusProduct -OperationTimeoutSec 30 |
        Select-Object -Property @('displayName', 'instanceGuid', 'pathToSignedProductExe',
                                  'pathToSignedReportingExe', 'productState', 'timestamp'))
    [ordered]@{ antiVirus = $av }
}

$Parts['firewall'] = {
    , @(Get-NetFirewallProfile -PolicyStore ActiveStore |
        Select-Object -Property @('Name', 'Enabled', 'DefaultInboundAction', 'DefaultOutboundAction',
                                  'AllowInboundRules'))
}

$Parts['rdp_firewall'] = {
    # The "Remote Desktop" rule group by its resource id, which no language translates.
    $columns = @('Name', @{ n = 'Enabled'; e = { [string]$_.Enabled } },
                 @{ n = 'Direction'; e = { [string]$_.Direction } },
                 @{ n = 'Action'; e = { [string]$_.Action } },
                 @{ n = 'Profile'; e = { [string]$_.Profile } })
    , @(Get-NetFirewallRule -Group '@FirewallAPI.dll,-28752' -ErrorAction SilentlyContinue |
        Select-Object -Property $columns)
}

$Parts['listening'] = {
    $tcp = @(Get-NetTCPConnection -State Listen -ErrorAction SilentlyContinue |
        Select-Object -Property @('LocalAddress', 'LocalPort', 'OwningProcess', 'State'))
    $udp = @(Get-NetUDPEndpoint -ErrorAction SilentlyContinue |
        Select-Object -Property @('LocalAddress', 'LocalPort', 'OwningProcess'))
    $pids = @($tcp + $udp | ForEach-Object { $_.OwningProcess } | Sort-Object -Unique)
    $procs = [ordered]@{}
    if ($pids.Count -gt 0) {
        foreach ($p in (Get-Process -Id $pids -ErrorAction SilentlyContinue)) {
            $procs[[string]$p.Id] = $p.ProcessName
        }
    }
    [ordered]@{ tcp = $tcp; udp = $udp; processes = $procs }
}

$Parts['bitlocker'] = {
    # Enum values travel as their names (identifiers, never translated).
    $columns = @(
        'MountPoint',
        @{ n = 'VolumeType'; e = { [string]$_.VolumeType } },
        @{ n = 'VolumeStatus'; e = { [string]$_.VolumeStatus } },
        @{ n = 'ProtectionStatus'; e = { [string]$_.ProtectionStatus } },
        @{ n = 'EncryptionMethod'; e = { [string]$_.EncryptionMethod } },
        'EncryptionPercentage',
        @{ n = 'LockStatus'; e = { [string]$_.LockStatus } },
        @{ n = 'KeyProtector'; e = { @($_.KeyProtector | ForEach-Object { [string]$_.KeyProtectorType }) } }
    )
    , @(Get-BitLockerVolume -MountPoint $env:SystemDrive | Select-Object -Property $columns)
}

$Parts['smb_server'] = {
    Get-SmbServerConfiguration | Select-Object -Property @('EnableSMB1Protocol', 'EnableSMB2Protocol')
}

$Parts['smb_shares'] = {
    $columns = @('Name', 'Path', 'Special', @{ n = 'ShareType'; e = { [string]$_.ShareType } })
    , @(Get-SmbShare | Select-Object -Property $columns)
}

$Parts['services'] = {
    $names = @('wuauserv', 'UsoSvc', 'TermService', 'sshd', 'fhsvc', 'SDRSVC', 'WinDefend',
               'mpssvc', 'LanmanServer', 'RemoteRegistry', 'TeamViewer*', 'AnyDesk*', '*vnc*',
               'RustDesk', 'Splashtop*', 'LMIGuardianSvc', 'chromoting')
    $columns = @('Name', @{ n = 'Status'; e = { [string]$_.Status } },
                 @{ n = 'StartType'; e = { [string]$_.StartType } })
    , @(Get-Service -Name $names -ErrorAction SilentlyContinue | Select-Object -Property $columns)
}

$Parts['wu_status'] = {
    $results = (New-Object -ComObject 'Microsoft.Update.AutoUpdate').Results
    [ordered]@{ LastSearchSuccessDate = $results.LastSearchSuccessDate;
                LastInstallationSuccessDate = $results.LastInstallationSuccessDate }
}

$Parts['wu_pending'] = {
    # The slow one (an online search): it has its own, longer time limit.
    $searcher = (New-Object -ComObject 'Microsoft.Update.Session').CreateUpdateSearcher()
    $found = $searcher.Search("IsInstalled=0 and IsHidden=0 and Type='Software'")
    $updates = foreach ($u in @($found.Updates)) {
        [ordered]@{
            Title        = $u.Title
            KBArticleIDs = @($u.KBArticleIDs)
            MsrcSeverity = $u.MsrcSeverity
            CategoryIDs  = @($u.Categories | ForEach-Object { $_.CategoryID })
        }
    }
    [ordered]@{ ResultCode = [int]$found.ResultCode; Updates = @($updates) }
}

$Parts['hotfixes'] = {
    , @(Get-HotFix | Select-Object -Property @('HotFixID', 'Description', 'InstalledOn', 'InstalledBy'))
}

$Parts['programs'] = {
    $roots = @(
        @('HKLM64', 'LocalMachine', 'Registry64'),
        @('HKLM32', 'LocalMachine', 'Registry32'),
        @('HKCU', 'CurrentUser', 'Registry64')
    )
    $sub = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'
    $out = New-Object System.Collections.ArrayList
    foreach ($r in $roots) {
        $key = [Microsoft.Win32.RegistryKey]::OpenBaseKey($r[1], $r[2]).OpenSubKey($sub)
        if ($null -eq $key) { continue }
        foreach ($child in $key.GetSubKeyNames()) {
            $k = $key.OpenSubKey($child)
            if ($null -eq $k) { continue }
            $name = $k.GetValue('DisplayName')
            if ($name -and -not ($k.GetValue('SystemComponent') -eq 1)) {
                [void]$out.Add([ordered]@{
                    DisplayName = $name; DisplayVersion = $k.GetValue('DisplayVersion');
                    Publisher = $k.GetValue('Publisher'); InstallDate = $k.GetValue('InstallDate');
                    Hive = $r[0] })
            }
            $k.Close()
        }
        $key.Close()
    }
    , $out.ToArray()
}

$Parts['browsers'] = {
    # Counts only, never contents. Chromium keeps passwords in an SQLite file ("Login Data")
    # that PowerShell 5.1 cannot open without extra libraries: we record its presence and
    # size; dentsec counts the rows itself when it runs on the PC. Firefox's logins.json is
    # JSON: we count its entries (each is encrypted anyway).
    $out = New-Object System.Collections.ArrayList
    foreach ($u in (Get-UserProfiles)) {
        $chromium = @(
            @('chrome', 'AppData\Local\Google\Chrome\User Data'),
            @('edge', 'AppData\Local\Microsoft\Edge\User Data')
        )
        foreach ($b in $chromium) {
            $ud = Join-Path $u.FullName $b[1]
            if (-not (Test-Path -LiteralPath $ud)) { continue }
            foreach ($prof in @(Get-ChildItem -LiteralPath $ud -Directory -ErrorAction SilentlyContinue |
                                Where-Object { $_.Name -eq 'Default' -or $_.Name -like 'Profile *' })) {
                $entry = [ordered]@{ browser = $b[0]; user = $u.Name; profile = $prof.Name;
                                     login_data_path = $null; login_data_bytes = $null;
                                     saved_logins = $null; extensions_to_open = $null; error = $null }
                try {
                    $ld = Join-Path $prof.FullName 'Login Data'
                    if (Test-Path -LiteralPath $ld) {
                        $entry.login_data_path = $ld
                        $entry.login_data_bytes = (Get-Item -LiteralPath $ld).Length
                    }
                    $pref = Join-Path $prof.FullName 'Preferences'
                    if (Test-Path -LiteralPath $pref) {
                        $text = [IO.File]::ReadAllText($pref)
                        $m = [regex]::Match($text, '"extensions_to_open"\s*:\s*"([^"]*)"')
                        $entry.extensions_to_open = if ($m.Success) { $m.Groups[1].Value } else { '' }
                    }
                } catch {
                    $entry.error = '{0}: {1}' -f $_.Exception.GetType().FullName, $_.Exception.Message
                }
                [void]$out.Add($entry)
            }
        }
        $ff = Join-Path $u.FullName 'AppData\Roaming\Mozilla\Firefox\Profiles'
        if (Test-Path -LiteralPath $ff) {
            foreach ($prof in @(Get-ChildItem -LiteralPath $ff -Directory -ErrorAction SilentlyContinue)) {
                $entry = [ordered]@{ browser = 'firefox'; user = $u.Name; profile = $prof.Name;
                                     login_data_path = $null; login_data_bytes = $null;
                                     saved_logins = 0; extensions_to_open = $null; error = $null }
                try {
                    $lj = Join-Path $prof.FullName 'logins.json'
                    if (Test-Path -LiteralPath $lj) {
                        $entry.login_data_path = $lj
                        # Each saved login has one "hostname"; ConvertFrom-Json of PS 5.1 stops at 2 MB.
                        $entry.saved_logins = [regex]::Matches([IO.File]::ReadAllText($lj), '"hostname"\s*:').Count
                    }
                } catch {
                    $entry.saved_logins = $null
                    $entry.error = '{0}: {1}' -f $_.Exception.GetType().FullName, $_.Exception.Message
                }
                [void]$out.Add($entry)
            }
        }
    }
    , $out.ToArray()
}

$Parts['password_files'] = {
    # File NAMES only: nothing is opened.
    $pattern = '(mot.?de.?passe|mots.?de.?passe|motdepasse|\bmdp\b|password|passwd|identifiants?|codes?.?d.?acc[e\u00e8]s)'
    $exts = @('.txt', '.doc', '.docx', '.xls', '.xlsx', '.odt', '.ods', '.csv', '.rtf', '.pdf', '.xml')
    $out = New-Object System.Collections.ArrayList
    foreach ($u in (Get-UserProfiles)) {
        $roots = @('Desktop', 'Documents', 'Downloads') | ForEach-Object { Join-Path $u.FullName $_ }
        # OneDrive folders are "OneDrive" or "OneDrive - <organisation>".
        foreach ($od in @(Get-ChildItem -LiteralPath $u.FullName -Directory -Filter 'OneDrive*' -ErrorAction SilentlyContinue)) {
            $roots += @((Join-Path $od.FullName 'Desktop'), (Join-Path $od.FullName 'Documents'))
        }
        foreach ($root in $roots) {
            if (-not (Test-Path -LiteralPath $root)) { continue }
            foreach ($f in @(Get-ChildItem -LiteralPath $root -File -Recurse -Depth 3 -ErrorAction SilentlyContinue)) {
                if ($exts -contains $f.Extension.ToLowerInvariant() -and $f.BaseName -match $pattern) {
                    [void]$out.Add([ordered]@{ path = $f.FullName; size = $f.Length; user = $u.Name })
                }
            }
        }
    }
    , $out.ToArray()
}

$Parts['screen_saver'] = {
    $names = @('ScreenSaveActive', 'ScreenSaveTimeOut', 'ScreenSaverIsSecure', 'SCRNSAVE.EXE')
    $targets = New-Object System.Collections.ArrayList
    $me = [Security.Principal.WindowsIdentity]::GetCurrent()
    [void]$targets.Add(@('HKCU', '', $me.User.Value, $me.Name))
    if (Test-Elevated) {
        # Other people's settings are readable only while their hive is loaded (signed in).
        $users = [Microsoft.Win32.RegistryKey]::OpenBaseKey('Users', 'Registry64')
        foreach ($sid in $users.GetSubKeyNames()) {
            if ($sid -match '^S-1-5-21-[\d-]+$' -and $sid -ne $me.User.Value) {
                $account = $sid
                try { $account = ([Security.Principal.SecurityIdentifier]$sid).Translate([Security.Principal.NTAccount]).Value } catch { }
                [void]$targets.Add(@('HKU', "$sid\", $sid, $account))
            }
        }
    }
    $out = foreach ($t in $targets) {
        $values = [ordered]@{}
        $policy = [ordered]@{}
        foreach ($n in $names) {
            $values[$n] = (Read-RegistryValue $t[0] ($t[1] + 'Control Panel\Desktop') $n).value
            $policy[$n] = (Read-RegistryValue $t[0] ($t[1] + 'SOFTWARE\Policies\Microsoft\Windows\Control Panel\Desktop') $n).value
        }
        [ordered]@{ sid = $t[2]; user = $t[3]; values = $values; policy = $policy }
    }
    , @($out)
}

$Parts['backup'] = {
    $fh = New-Object System.Collections.ArrayList
    foreach ($u in (Get-UserProfiles)) {
        $cfg = Join-Path $u.FullName 'AppData\Local\Microsoft\Windows\FileHistory\Configuration'
        if (-not (Test-Path -LiteralPath $cfg)) { continue }
        foreach ($f in @(Get-ChildItem -LiteralPath $cfg -Filter 'Config*.xml' -File -ErrorAction SilentlyContinue)) {
            $target = $null
            try {
                $xml = [xml](Get-Content -LiteralPath $f.FullName -Raw)
                $node = $xml.SelectSingleNode('//*[local-name()="TargetUrl"]')
                if ($null -ne $node) { $target = $node.InnerText }
            } catch { }
            [void]$fh.Add([ordered]@{ user = $u.Name; file = $f.Name; target = $target;
                                      modified = $f.LastWriteTimeUtc.ToString('o') })
        }
    }
    $dentsec = $null
    $candidates = @()
    if ($env:DENTSEC_HOME) { $candidates += (Join-Path $env:DENTSEC_HOME 'backup\status.json') }
    $candidates += (Join-Path $env:LOCALAPPDATA 'dentsec\backup\status.json')
    $candidates += (Join-Path $env:APPDATA 'dentsec\backup\status.json')
    foreach ($c in $candidates) {
        if (Test-Path -LiteralPath $c) {
            $dentsec = [ordered]@{ path = $c; content = [IO.File]::ReadAllText($c) }
            # a look at the backup disk now: is the repository's config file there?
            $present = $null
            try {
                $repo = (ConvertFrom-Json $dentsec['content']).repository
                if ($repo) { $present = Test-Path -LiteralPath (Join-Path $repo 'config') }
            } catch { }
            $dentsec['disk_present'] = $present
            $dentsec['looked_at'] = [DateTime]::UtcNow.ToString('o')
            break
        }
    }
    [ordered]@{ file_history = @($fh); dentsec_status = $dentsec; dentsec_searched = $candidates }
}

$Parts['windows_backup'] = {
    # "Backup and Restore (Windows 7)" runs as this scheduled task once configured.
    $columns = @('TaskName', @{ n = 'State'; e = { [string]$_.State } },
                 @{ n = 'LastRunTime'; e = { ($_ | Get-ScheduledTaskInfo).LastRunTime } },
                 @{ n = 'LastTaskResult'; e = { ($_ | Get-ScheduledTaskInfo).LastTaskResult } })
    , @(Get-ScheduledTask -TaskPath '\Microsoft\Windows\WindowsBackup\' -ErrorAction SilentlyContinue |
        Select-Object -Property $columns)
}

$Parts['shadow_copies'] = {
    , @(Get-CimInstance -ClassName Win32_ShadowCopy -OperationTimeoutSec 30 |
        Select-Object -Property @('ID', 'InstallDate', 'VolumeName', 'ClientAccessible'))
}

# --- running the parts, each time-boxed ----------------------------------------------------

function Format-PartError($ErrorRecord) {
    # Type, category and HRESULT are not translated; the message is kept for people.
    $ex = $ErrorRecord.Exception
    if ($ex -is [System.Management.Automation.MethodInvocationException] -and $ex.InnerException) {
        $ex = $ex.InnerException
    }
    [ordered]@{
        type     = $ex.GetType().FullName
        message  = $ex.Message
        category = [string]$ErrorRecord.CategoryInfo.Category
        hresult  = $ex.HResult
    }
}

function Invoke-Parts($Parts, [int]$Timeout, [int]$SlowTimeout, [int]$Budget) {
    # Each part's limit runs from the moment it starts (parts wait for a free runspace);
    # the whole run never exceeds $Budget seconds.
    $pool = [RunspaceFactory]::CreateRunspacePool(1, 4)
    $pool.Open()
    $started = [hashtable]::Synchronized(@{})
    $running = [ordered]@{}
    $clock = [Diagnostics.Stopwatch]::StartNew()
    foreach ($name in $Parts.Keys) {
        $ps = [PowerShell]::Create()
        $ps.RunspacePool = $pool
        $body = "param(`$DentsecStarted, `$DentsecPart)`n" +
                "`$DentsecStarted[`$DentsecPart] = [DateTime]::UtcNow`n" +
                $Prelude.ToString() + "`n" + $Parts[$name].ToString()
        [void]$ps.AddScript($body).AddArgument($started).AddArgument($name)
        $limit = if ($name -eq 'wu_pending') { $SlowTimeout } else { $Timeout }
        $running[$name] = @{ ps = $ps; handle = $ps.BeginInvoke(); limit = $limit }
    }
    $results = [ordered]@{}
    $abandoned = $false
    foreach ($name in $running.Keys) {
        $r = $running[$name]
        while (-not $r.handle.IsCompleted) {
            $began = $started[$name]
            if ($null -ne $began -and ([DateTime]::UtcNow - $began).TotalSeconds -gt $r.limit) { break }
            if ($clock.Elapsed.TotalSeconds -gt $Budget) { break }
            [void]$r.handle.AsyncWaitHandle.WaitOne(250)
        }
        $part = [ordered]@{ ok = $false; ms = 0; data = $null; error = $null }
        if ($r.handle.IsCompleted) {
            try {
                $out = $r.ps.EndInvoke($r.handle)
                if ($r.ps.Streams.Error.Count -gt 0 -and $out.Count -eq 0) {
                    $part.error = Format-PartError $r.ps.Streams.Error[0]
                } else {
                    $part.ok = $true
                    $part.data = if ($out.Count -eq 1) { $out[0] } else { @($out) }
                }
            } catch {
                $inner = $_
                $ie = $_.Exception.InnerException
                if ($ie -is [System.Management.Automation.IContainsErrorRecord]) { $inner = $ie.ErrorRecord }
                $part.error = Format-PartError $inner
            }
            $r.ps.Dispose()
        } else {
            # A blocked COM call cannot be interrupted: leave it, the process exit ends it.
            $abandoned = $true
            [void]$r.ps.BeginStop($null, $null)
            $part.error = [ordered]@{ type = 'Timeout'; message = "no answer within $($r.limit) s";
                                      category = 'OperationTimeout'; hresult = $null }
        }
        $part.ms = [int]$clock.ElapsedMilliseconds
        $results[$name] = $part
    }
    if (-not $abandoned) { $pool.Close() }
    return $results
}

function Get-IsoNow {
    # Invariant culture: some cultures write the time separator otherwise.
    (Get-Date).ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'+00:00'",
                                          [Globalization.CultureInfo]::InvariantCulture)
}

function Get-Context {
    $id = [Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object Security.Principal.WindowsPrincipal($id)
    # The person signed in at the screen, who may not be the account running this script
    # (an IT provider often runs it with its own administrator account).
    $console = $null
    $consoleSid = $null
    try {
        $console = (Get-CimInstance -ClassName Win32_ComputerSystem -OperationTimeoutSec 30).UserName
        if ($console) {
            $consoleSid = ([Security.Principal.NTAccount]$console).Translate(
                [Security.Principal.SecurityIdentifier]).Value
        }
    } catch { }
    [ordered]@{
        computer_name = $env:COMPUTERNAME
        user          = $id.Name
        user_sid      = $id.User.Value
        console_user  = $console
        console_user_sid = $consoleSid
        elevated      = $principal.IsInRole([Security.Principal.SecurityIdentifier]'S-1-5-32-544')
        ps_version    = $PSVersionTable.PSVersion.ToString()
        culture       = (Get-Culture).Name
        ui_culture    = (Get-UICulture).Name
    }
}

function Write-Bundle([string]$Path, [string]$Json, $Context, [string]$CreatedAt, [int]$DurationMs) {
    # Same layout as dentsec's own bundles (host/bundle.py): manifest.json + items/.
    Add-Type -AssemblyName System.IO.Compression
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $utf8 = New-Object System.Text.UTF8Encoding($false)
    $manifest = [ordered]@{
        schema     = 'dentsec.evidence/1'
        created_at = $CreatedAt
        collector  = "dentsec-collect.ps1 $ScriptVersion"
        host       = [ordered]@{ os_family = 'windows'; hostname = $Context.computer_name;
                                 is_admin = $Context.elevated }
        items      = @([ordered]@{ kind = 'command'; argv = $LogicalArgv; exit_code = 0; error = $null;
                                   duration_ms = $DurationMs; stdout = 'items/0001.out';
                                   stderr = 'items/0001.err' })
    }
    $full = [IO.Path]::GetFullPath($Path)
    $tmp = $full + '.tmp-' + [guid]::NewGuid().ToString('N')
    $stream = [IO.File]::Open($tmp, 'CreateNew')
    try {
        $zip = New-Object System.IO.Compression.ZipArchive($stream, 'Create')
        $members = [ordered]@{ 'manifest.json' = ($manifest | ConvertTo-Json -Depth 6);
                               'items/0001.out' = $Json; 'items/0001.err' = '' }
        foreach ($name in $members.Keys) {
            $writer = New-Object System.IO.StreamWriter($zip.CreateEntry($name).Open(), $utf8)
            $writer.Write($members[$name])
            $writer.Dispose()
        }
        $zip.Dispose()
    } finally {
        $stream.Dispose()
    }
    # Replace atomically: a failure leaves no partial bundle behind.
    if (Test-Path -LiteralPath $full) { [IO.File]::Replace($tmp, $full, $null) }
    else { [IO.File]::Move($tmp, $full) }
}

$clock = [Diagnostics.Stopwatch]::StartNew()
$startedAt = Get-IsoNow
$context = Get-Context
$parts = Invoke-Parts $Parts $PartTimeoutSeconds $UpdateSearchTimeoutSeconds $TotalTimeoutSeconds
$document = [ordered]@{
    schema      = $DocumentSchema
    collector   = [ordered]@{ name = 'dentsec-collect.ps1'; version = $ScriptVersion }
    started_at  = $startedAt
    finished_at = Get-IsoNow
    context     = $context
    parts       = $parts
}
$json = $document | ConvertTo-Json -Depth 8

if ($Output) {
    try {
        Write-Bundle $Output $json $context $startedAt ([int]$clock.ElapsedMilliseconds)
    } catch {
        [Console]::Error.WriteLine("dentsec-collect: cannot write $Output : $($_.Exception.Message)")
        exit 2
    }
    [Console]::Error.WriteLine("dentsec-collect: bundle written to $Output")
} else {
    [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding($false)
    [Console]::Out.Write($json)
}
exit 0
