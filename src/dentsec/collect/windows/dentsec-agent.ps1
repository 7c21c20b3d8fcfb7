<#
.SYNOPSIS
    dentsec agent for Windows without Python: collects evidence with dentsec-collect.ps1
    and sends it to the practice console, which evaluates it.

.DESCRIPTION
    Windows PowerShell 5.1, no external module. Run it elevated (or as SYSTEM from an RMM):

    dentsec-agent.ps1 -Enroll -Server https://console.example -Token dse_... [-Name NAME]
                      [-PinSha256 HEX] [-Install]
    dentsec-agent.ps1 -Install     daily task as SYSTEM (random delay of up to an hour)
    dentsec-agent.ps1 -Run         collect, queue, send the queue oldest first
    dentsec-agent.ps1 -Status
    dentsec-agent.ps1 -Uninstall

    The device credential is kept with DPAPI for the machine (LocalMachine scope), in a
    file only SYSTEM and the Administrators can read. TLS 1.2 or later only; the server's
    certificate is verified, or matched against -PinSha256 (the SHA-256 of the
    certificate, for a self-hosted console with its own certificate).

    Exit codes: 0 done, 2 bad use or local error, 3 credential refused (401),
    4 device revoked in the console (queue emptied, nothing collected until the console
    undoes it: each run asks /api/v1/agent/me), 5 console unreachable
    (the bundle stays queued).

    The HTTP exchanges are those of the console's OpenAPI document (/api/openapi.json):
    POST /api/v1/enroll (JSON) and POST /api/v1/agent/evidence (zip, gzip-encoded).
#>
[CmdletBinding()]
param(
    [switch]$Enroll,
    [switch]$Install,
    [switch]$Run,
    [switch]$Status,
    [switch]$Uninstall,
    [string]$Server = '',
    [string]$Token = '',
    [string]$Name = '',
    [string]$PinSha256 = '',
    [ValidateSet('fr', 'en')][string]$Lang = 'fr'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

$AgentVersion = '1'
$EnrollPath = '/api/v1/enroll'
$EvidencePath = '/api/v1/agent/evidence'
$MePath = '/api/v1/agent/me'
$EvidenceType = 'application/zip'
$QueueMax = 14
$TaskName = '\dentsec\agent'
$InstallDir = Join-Path $env:ProgramFiles 'dentsec'
$StateDir = Join-Path $env:ProgramData 'dentsec'
$QueueDir = Join-Path $StateDir 'queue'
$ConfigFile = Join-Path $StateDir 'agent.json'
$CredentialFile = Join-Path $StateDir 'credential.bin'
$RevokedFile = Join-Path $StateDir 'revoked'
$Entropy = [Text.Encoding]::UTF8.GetBytes('dentsec-agent-credential')

# The task the agent registers: the XML comes from dentsec.schedule.windows_task
# (src/dentsec/agent/powershell.py), validated there against the Task Scheduler schema.
$TaskXml = @'
<?xml version="1.0" encoding="UTF-16"?>
<Task xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task" version="1.2">
  <RegistrationInfo>
    <Description>dentsec : preuves quotidiennes envoyees a la console (daily evidence upload)</Description>
    <URI>\dentsec\agent</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <Enabled>true</Enabled>
      <StartBoundary>2024-01-01T12:30:00</StartBoundary>
      <RandomDelay>PT60M</RandomDelay>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <Enabled>true</Enabled>
    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>powershell.exe</Command>
      <Arguments>-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "__DENTSEC_DIR__\dentsec-agent.ps1" -Run</Arguments>
    </Exec>
  </Actions>
</Task>
'@

function T([string]$Fr, [string]$En) {
    # Script files stay ASCII (PowerShell 5.1 reads them in the ANSI code page): French
    # accents are written \u00e9 and unescaped here.
    if ($Lang -eq 'en') { return $En }
    return [regex]::Unescape($Fr)
}

function Fail([int]$Code, [string]$Fr, [string]$En) {
    [Console]::Error.WriteLine((T $Fr $En))
    exit $Code
}

function Assert-Admin {
    $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
    if (-not $principal.IsInRole([Security.Principal.SecurityIdentifier]'S-1-5-32-544') -and
        -not [Security.Principal.WindowsIdentity]::GetCurrent().IsSystem) {
        Fail 2 'Lancez ce script dans un PowerShell ouvert en administrateur.' 'Run this script from an elevated PowerShell.'
    }
}

function Set-PrivateAcl([string]$Path) {
    # SYSTEM and the Administrators only, nothing inherited.
    $acl = New-Object Security.AccessControl.FileSecurity
    $acl.SetAccessRuleProtection($true, $false)
    foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
        $who = New-Object Security.Principal.SecurityIdentifier($sid)
        $rule = New-Object Security.AccessControl.FileSystemAccessRule($who, 'FullControl', 'Allow')
        $acl.AddAccessRule($rule)
    }
    Set-Acl -LiteralPath $Path -AclObject $acl
}

function Use-Tls([string]$Pin) {
    $protocols = [Net.SecurityProtocolType]::Tls12
    try { $protocols = $protocols -bor [Net.SecurityProtocolType]'Tls13' } catch { }
    [Net.ServicePointManager]::SecurityProtocol = $protocols
    if ($Pin) {
        $script:Pin = $Pin.Replace(':', '').ToUpperInvariant()
        [Net.ServicePointManager]::ServerCertificateValidationCallback = {
            param($Sender, $Certificate, $Chain, $Errors)
            $sha = [Security.Cryptography.SHA256]::Create()
            $hash = -join ($sha.ComputeHash($Certificate.GetRawCertData()) | ForEach-Object { $_.ToString('X2') })
            return $hash -eq $script:Pin
        }
    } else {
        [Net.ServicePointManager]::ServerCertificateValidationCallback = $null
    }
}

function Test-ServerUrl([string]$Url) {
    if ($Url -notmatch '^https://[^/\s]+(/[^\s]*)?$') {
        Fail 2 'Adresse de la console invalide : https://... attendu.' 'Invalid console address: https://... expected.'
    }
    return $Url.TrimEnd('/')
}

function Read-Config {
    if (-not (Test-Path -LiteralPath $ConfigFile)) {
        Fail 2 "Ce poste n'est pas inscrit : lancez d'abord -Enroll." 'This device is not enrolled: run -Enroll first.'
    }
    return Get-Content -LiteralPath $ConfigFile -Raw | ConvertFrom-Json
}

function Get-Credential64 {
    Add-Type -AssemblyName System.Security
    $sealed = [IO.File]::ReadAllBytes($CredentialFile)
    $clear = [Security.Cryptography.ProtectedData]::Unprotect($sealed, $Entropy, 'LocalMachine')
    return [Text.Encoding]::UTF8.GetString($clear)
}

function Invoke-Console([string]$Url, [string]$Method, [byte[]]$Body, [hashtable]$Headers) {
    # Returns @{ Status = int; Text = string; Json = object or $null }; Status 0 = unreachable.
    $request = [Net.HttpWebRequest]::Create($Url)
    $request.Method = $Method
    $request.Timeout = 120000
    $request.AllowAutoRedirect = $false
    $request.Date = [DateTime]::UtcNow
    foreach ($key in $Headers.Keys) {
        # Content-Type and User-Agent are properties: HttpWebRequest refuses them in Headers.
        if ($key -eq 'Content-Type') { $request.ContentType = $Headers[$key] }
        elseif ($key -eq 'User-Agent') { $request.UserAgent = $Headers[$key] }
        else { $request.Headers.Add($key, $Headers[$key]) }
    }
    try {
        if ($Method -ne 'GET') {
            $request.ContentLength = $Body.Length
            $stream = $request.GetRequestStream()
            $stream.Write($Body, 0, $Body.Length)
            $stream.Close()
        }
        $response = $request.GetResponse()
    } catch [Net.WebException] {
        $response = $_.Exception.Response
        if ($null -eq $response) { return @{ Status = 0; Text = ''; Json = $null } }
    }
    $reader = New-Object IO.StreamReader($response.GetResponseStream())
    $text = $reader.ReadToEnd()
    $reader.Close()
    $code = [int]$response.StatusCode
    $response.Close()
    $json = $null
    try { $json = $text | ConvertFrom-Json } catch { }
    return @{ Status = $code; Text = $text; Json = $json }
}

function Invoke-Enroll {
    Assert-Admin
    $base = Test-ServerUrl $Server
    if (-not $Token) { Fail 2 "Jeton d'inscription manquant (-Token)." 'Enrollment token missing (-Token).' }
    $deviceName = $Name
    if (-not $deviceName) { $deviceName = $env:COMPUTERNAME }
    Use-Tls $PinSha256
    $payload = @{ token = $Token; name = $deviceName } | ConvertTo-Json -Compress
    $answer = Invoke-Console ($base + $EnrollPath) 'POST' ([Text.Encoding]::UTF8.GetBytes($payload)) @{ 'Content-Type' = 'application/json' }
    if ($answer.Status -eq 0) { Fail 5 'Console injoignable.' 'Console unreachable.' }
    if ($answer.Status -ne 201) {
        $detail = ''
        if ($answer.Json) { $detail = $answer.Json.fr; if ($Lang -eq 'en') { $detail = $answer.Json.en } }
        Fail 2 "Inscription refus\u00e9e ($($answer.Status)) : $detail" "Enrollment refused ($($answer.Status)): $detail"
    }
    New-Item -ItemType Directory -Force -Path $StateDir, $QueueDir | Out-Null
    Set-PrivateAcl $StateDir
    Add-Type -AssemblyName System.Security
    $clear = [Text.Encoding]::UTF8.GetBytes([string]$answer.Json.credential)
    $sealed = [Security.Cryptography.ProtectedData]::Protect($clear, $Entropy, 'LocalMachine')
    [IO.File]::WriteAllBytes($CredentialFile, $sealed)
    Set-PrivateAcl $CredentialFile
    @{ server = $base; pin_sha256 = $PinSha256; device_id = $answer.Json.device_id;
       practice = $answer.Json.practice } | ConvertTo-Json | Set-Content -LiteralPath $ConfigFile -Encoding UTF8
    if (Test-Path -LiteralPath $RevokedFile) { Remove-Item -LiteralPath $RevokedFile -Force }
    Write-Output (T "Poste inscrit au cabinet $($answer.Json.practice)." "Device enrolled in practice $($answer.Json.practice).")
}

function Invoke-Install {
    Assert-Admin
    $config = Read-Config
    New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
    $collector = Join-Path $PSScriptRoot 'dentsec-collect.ps1'
    if (-not (Test-Path -LiteralPath $collector)) {
        Use-Tls $config.pin_sha256
        $answer = Invoke-Console ($config.server + '/agent/dentsec-collect.ps1') 'GET' ([byte[]]@()) @{}
        if ($answer.Status -ne 200) { Fail 5 'Collecteur introuvable sur la console.' 'Collector not found on the console.' }
        [IO.File]::WriteAllText((Join-Path $InstallDir 'dentsec-collect.ps1'), $answer.Text, [Text.Encoding]::ASCII)
    } else {
        Copy-Item -LiteralPath $collector -Destination $InstallDir -Force
    }
    $installed = Join-Path $InstallDir 'dentsec-agent.ps1'
    if ($PSCommandPath -ne $installed) { Copy-Item -LiteralPath $PSCommandPath -Destination $installed -Force }
    $xmlFile = Join-Path $StateDir 'task.xml'
    [IO.File]::WriteAllText($xmlFile, $TaskXml.Replace('__DENTSEC_DIR__', $InstallDir), [Text.Encoding]::Unicode)
    & schtasks.exe /Create /F /TN $TaskName /XML $xmlFile | Out-Null
    if ($LASTEXITCODE -ne 0) { Fail 2 "La t\u00e2che planifi\u00e9e n'a pas pu \u00eatre cr\u00e9\u00e9e." 'The scheduled task could not be created.' }
    Remove-Item -LiteralPath $xmlFile -Force
    Write-Output (T "T\u00e2che quotidienne install\u00e9e ($TaskName)." "Daily task installed ($TaskName).")
}

function Compress-Gzip([byte[]]$Data) {
    $buffer = New-Object IO.MemoryStream
    $gzip = New-Object IO.Compression.GZipStream($buffer, [IO.Compression.CompressionMode]::Compress)
    $gzip.Write($Data, 0, $Data.Length)
    $gzip.Close()
    return $buffer.ToArray()
}

function Send-Queue($Config) {
    # Oldest first; a bundle leaves the queue once the console has it (201, or 409 for a
    # copy it already holds) or refused it for good (another 4xx).
    $credential = Get-Credential64
    Use-Tls $Config.pin_sha256
    foreach ($file in (Get-ChildItem -LiteralPath $QueueDir -Filter '*.zip' | Sort-Object Name)) {
        $body = Compress-Gzip ([IO.File]::ReadAllBytes($file.FullName))
        $answer = Invoke-Console ($Config.server + $EvidencePath) 'POST' $body @{
            'Content-Type' = $EvidenceType; 'Content-Encoding' = 'gzip';
            'Authorization' = "Bearer $credential"; 'User-Agent' = "dentsec-agent.ps1/$AgentVersion" }
        if ($answer.Status -eq 0 -or $answer.Status -ge 500) {
            Fail 5 'Console injoignable : le paquet reste en attente.' 'Console unreachable: the bundle stays queued.'
        }
        if ($answer.Status -eq 401) { Fail 3 "Jeton d'acc\u00e8s du poste refus\u00e9 : inscrivez-le \u00e0 nouveau." "Device credential refused: enroll it again." }
        if ($answer.Status -eq 403 -and $answer.Json -and $answer.Json.code -eq 'device-revoked') {
            New-Item -ItemType File -Force -Path $RevokedFile | Out-Null
            Get-ChildItem -LiteralPath $QueueDir -Filter '*.zip' | Remove-Item -Force
            Fail 4 ([string]$answer.Json.fr) ([string]$answer.Json.en)
        }
        Remove-Item -LiteralPath $file.FullName -Force
        if ($answer.Status -eq 201 -or $answer.Status -eq 409) {
            Write-Output (T "Score : $($answer.Json.score)/100" "Score: $($answer.Json.score)/100")
            foreach ($fix in $answer.Json.fixes) { Write-Output (" - " + $fix.title) }
        } elseif ($answer.Json) {
            [Console]::Error.WriteLine((T ([string]$answer.Json.fr) ([string]$answer.Json.en)))
        }
    }
}

function Invoke-Run {
    $config = Read-Config
    if (Test-Path -LiteralPath $RevokedFile) {
        # Revoked: nothing is collected until the console undoes it (then /agent/me is 200).
        Use-Tls $config.pin_sha256
        $me = Invoke-Console ($config.server + $MePath) 'GET' ([byte[]]@()) @{ 'Authorization' = "Bearer $(Get-Credential64)" }
        if ($me.Status -ne 200) {
            Fail 4 'Ce poste a \u00e9t\u00e9 r\u00e9voqu\u00e9 dans la console : rien n''est collect\u00e9.' 'This device was revoked in the console: nothing is collected.'
        }
        Remove-Item -LiteralPath $RevokedFile -Force
    }
    $collector = Join-Path $PSScriptRoot 'dentsec-collect.ps1'
    $stamp = [DateTime]::UtcNow.ToString('yyyyMMddTHHmmssZ')
    $bundle = Join-Path $QueueDir "$stamp.zip"
    & powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $collector -Output $bundle | Out-Null
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $bundle)) {
        Fail 2 'La collecte a \u00e9chou\u00e9.' 'Collection failed.'
    }
    # A bounded queue: past QueueMax bundles the oldest are dropped.
    $queued = @(Get-ChildItem -LiteralPath $QueueDir -Filter '*.zip' | Sort-Object Name)
    if ($queued.Count -gt $QueueMax) {
        $queued | Select-Object -First ($queued.Count - $QueueMax) | Remove-Item -Force
    }
    Send-Queue $config
}

function Invoke-Status {
    $enrolled = Test-Path -LiteralPath $ConfigFile
    Write-Output ((T 'Inscrit : ' 'Enrolled: ') + $enrolled)
    if ($enrolled) {
        $config = Get-Content -LiteralPath $ConfigFile -Raw | ConvertFrom-Json
        Write-Output ((T 'Console : ' 'Console: ') + $config.server + ' (' + $config.practice + ')')
    }
    & schtasks.exe /Query /TN $TaskName 2>$null | Out-Null
    Write-Output ((T "T\u00e2che quotidienne : " 'Daily task: ') + ($LASTEXITCODE -eq 0))
    $count = 0
    if (Test-Path -LiteralPath $QueueDir) { $count = @(Get-ChildItem -LiteralPath $QueueDir -Filter '*.zip').Count }
    Write-Output ((T 'Paquets en attente : ' 'Queued bundles: ') + $count)
    Write-Output ((T "R\u00e9voqu\u00e9 : " 'Revoked: ') + (Test-Path -LiteralPath $RevokedFile))
}

function Invoke-Uninstall {
    Assert-Admin
    & schtasks.exe /Delete /F /TN $TaskName 2>$null | Out-Null
    foreach ($dir in $StateDir, $InstallDir) {
        if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
    }
    Write-Output (T "Agent dentsec d\u00e9sinstall\u00e9." 'dentsec agent uninstalled.')
}

if ($Enroll) { Invoke-Enroll }
if ($Install) { Invoke-Install }
if ($Run) { Invoke-Run }
if ($Status) { Invoke-Status }
if ($Uninstall) { Invoke-Uninstall }
if (-not ($Enroll -or $Install -or $Run -or $Status -or $Uninstall)) {
    Fail 2 'Indiquez -Enroll, -Install, -Run, -Status ou -Uninstall.' 'Give -Enroll, -Install, -Run, -Status or -Uninstall.'
}
exit 0
